#include "cli/context.hpp"

#include "cli/errors.hpp"
#include "cli/setting_values.hpp"
#include "core/handler.hpp"
#include "core/lookup.hpp"
#include "remote/budget.hpp"
#include "remote/sender.hpp"
#include "store/store.hpp"
#include "util/redact.hpp"

#include <iostream>
#include <utility>

#include <fmt/format.h>

namespace pjm::cli {

void Context::resolve() {
    settings = resolve_settings(flags.values, flags.config);
    if (flags.local) settings.set("local", "true", "flag --local");
    check_settings(settings);
    if (flags.verbose > 0) {
        for (const auto& f : settings.config_files)
            trace("config file: " + f);
        for (const auto& line : settings.describe())
            trace("setting " + line);
    }
}

Context::Context() = default;
Context::~Context() = default;

core::Storage& Context::storage() {
    return database(store::Create::no);
}

core::Storage& Context::storage(store::Create create) {
    return database(create);
}

store::Database& Context::database() {
    return database(store::Create::no);
}

store::Database& Context::database(store::Create create) {
    if (!m_database) {
        std::string url = settings.get_or("database", default_database_path());
        trace("opening database " + url);
        try {
            m_database = store::open(url, create);
        } catch (const core::StorageError& e) {
            throw CliError(core::ErrorKind::storage, e.what());
        }
        for (const auto& w : m_database->warnings())
            std::cerr << "pjm: warning: " << w << '\n';
    }
    return *m_database;
}

bool Context::local() const {
    return flags.local || setting_flag(settings, "local");
}

core::AdminConfig Context::admin_config(bool use_database) {
    core::AdminConfig cfg;
    cfg.key = settings.get_or("admin_key", std::string(core::k_default_admin_key));
    cfg.lifetime = setting_count(settings, "admin_token_lifetime", cfg.lifetime);
    if (auto secret = settings.get("admin_secret")) {
        cfg.secret = *secret;
    } else if (use_database) {
        // Every database gets a random admin secret when it is created.
        try {
            cfg.secret = database().get_setting("admin_secret").value_or("");
        } catch (const core::StorageError& e) {
            throw CliError(core::ErrorKind::storage, e.what());
        }
    }
    return cfg;
}

core::Handler& Context::handler() {
    if (!m_handler) {
        core::HandlerConfig cfg;
        cfg.admin = admin_config(true);
        cfg.uuid_domain = settings.get_or("uuid_domain", std::string(core::k_default_uuid_domain));
        m_handler = std::make_unique<core::Handler>(storage(), clock, std::move(cfg));
    }
    return *m_handler;
}

bool Context::tapis_v3() const {
    auto api = settings.get("api");
    auto url = settings.get("url");
    bool v3_url = url && url->find("/v3/actors/") != std::string::npos;
    if (!api) return v3_url;
    if (*api != "v2" && *api != "v3")
        usage_error("--api '" + *api + "' (from " + settings.source("api") +
                    ") is not v2 (Abaco, /actors/v2) or v3 (Tapis, /v3/actors)");
    if (url && (*api == "v3") != v3_url)
        usage_error("--api " + *api + " but --url " + util::redact_url(*url) + " is " +
                    (v3_url ? "a Tapis v3 (/v3/actors/) URL" : "not a /v3/actors/ URL") +
                    ": drop --api (the URL says which) or fix the URL");
    return *api == "v3";
}

std::optional<std::string> Context::manager_url() const {
    if (auto url = settings.get("url")) return *url;
    auto tenant = settings.get("tenant_url");
    auto actor = settings.get("actor_id");
    if (!tenant || !actor) return std::nullopt;
    std::string url = *tenant;
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    return url + (tapis_v3() ? "/v3/actors/" : "/actors/v2/") + *actor + "/messages";
}

remote::Credentials Context::credentials() const {
    auto bearer = settings.get("bearer_token"), tapis = settings.get("tapis_token");
    auto nonce = settings.get("nonce");
    if (tapis_v3()) {
        if (bearer && !tapis && !nonce)
            usage_error("a bearer token is Abaco v2's credential; a Tapis v3 manager takes "
                        "--tapis-token (or PJM_TAPIS_TOKEN, tapis_token_file) or a nonce");
        return {std::nullopt, nonce, tapis, settings.get("admin_credential")};
    }
    if (tapis && !bearer && !nonce)
        usage_error("a Tapis token is sent to Tapis v3 managers only: give a /v3/actors/ "
                    "--url (or --api v3 with --tenant-url), or a bearer token or nonce for "
                    "this Abaco v2 manager");
    return {bearer, nonce, std::nullopt, settings.get("admin_credential")};
}

remote::AbacoClient Context::client() const {
    auto url = manager_url();
    if (!url)
        usage_error("no manager configured: set --url (or PJM_URL, or PJM_TENANT_URL with "
                    "PJM_ACTOR_ID), or use --local to work on the database");
    return client_for(*url);
}

remote::Sender Context::sender() const {
    remote::SenderOptions options;
    options.keep_undelivered = !flags.no_outbox;
    options.trace = [this](const std::string& line) { trace(line); };
    options.client_for = [this](const std::string& url) { return client_for(url); };
    options.manager_url = manager_url().value_or("");
    // A manager named on this command line pins what is queued to it; one from PJM_URL or the
    // config file does not: that message goes wherever the configuration says at flush time.
    options.pin = settings.get("url") && settings.source("url").starts_with("flag");
    return remote::Sender(client(), outbox(), std::move(options));
}

remote::AbacoClient Context::client_for(const std::string& url) const {
    remote::Credentials creds = credentials();
    remote::HttpOptions http;
    http.connect_timeout_ms = setting_ms(settings, "connect_timeout", 10'000);
    http.total_timeout_ms = setting_ms(settings, "timeout", 30'000);
    http.cacert = settings.get_or("cacert", "");
    http.insecure = flags.insecure;
    static bool warned_insecure = false; // once per process, however many clients it makes
    if (flags.insecure && url.starts_with("https:") && !std::exchange(warned_insecure, true))
        std::cerr << "pjm: warning: --insecure: the manager's TLS certificate is not verified; "
                     "anyone on the path can read the message and its token\n";
    if (flags.verbose > 0)
        http.trace = [](const std::string& line) { std::cerr << "pjm: " << line << '\n'; };
    remote::RetryPolicy retry;
    retry.retries = static_cast<int>(setting_count(settings, "retries", retry.retries));
    retry.max_time = std::chrono::milliseconds(setting_ms(settings, "retry_max_time", 60'000));
    http.budget = retry.budget = budget();
    trace("manager " + util::redact_url(url));
    try {
        return remote::AbacoClient(url, creds, http, retry);
    } catch (const std::invalid_argument& e) {
        usage_error(std::string("--url: ") + e.what());
    }
}

std::shared_ptr<remote::Budget> Context::budget() const {
    if (m_budget_off) return nullptr;
    if (!m_budget)
        m_budget = std::make_shared<remote::Budget>(
            std::chrono::milliseconds(setting_ms(settings, "retry_max_time", 60'000)));
    return m_budget;
}

void Context::restart_budget() const {
    if (auto b = budget()) b->restart();
}

remote::Outbox Context::outbox() const {
    return remote::Outbox(settings.get_or("outbox", remote::default_outbox_dir()));
}

std::string Context::job_uuid(const std::string& positional) {
    std::string text = positional;
    std::string from = "the job UUID";
    if (text.empty()) {
        auto env = settings.get("job_uuid");
        if (!env) usage_error("no job UUID: give it as an argument or set PJM_JOB_UUID");
        text = *env;
        from = "PJM_JOB_UUID";
    }
    // Only a UUID of the right length in another case, or a prefix, is resolved here; any
    // other text goes into the message as given, and the message check refuses it (exit 3,
    // naming the field) as it would from any sender.
    auto low = core::uuid_like(text);
    if (!low || low->size() < core::k_min_uuid_prefix) return text;
    if (low->size() >= 36 || core::is_typed_uuid(*low, core::UuidType::job)) return *low;
    if (!local())
        usage_error(from + " " + core::quoted_value(text) +
                    " is a prefix: a manager needs the whole UUID (a prefix is looked up with "
                    "--local only)");
    auto resolved = core::resolve_job(storage(), *low);
    if (!resolved.ok()) throw CliError(resolved.kind, resolved.message);
    return resolved.value;
}

std::string Context::pipeline_uuid(const std::string& text, std::string_view option) {
    if (!local()) {
        core::UuidFactory uuids(
            settings.get_or("uuid_domain", std::string(core::k_default_uuid_domain)));
        return core::pipeline_uuid_from_name(uuids, text);
    }
    auto resolved = core::resolve_pipeline(storage(), text);
    if (!resolved.ok())
        throw CliError(resolved.kind, std::string(option) + ": " + resolved.message);
    return resolved.value;
}

std::optional<std::string> Context::token(const std::string& flag) const {
    std::optional<std::string> token = flag.empty() ? settings.get("token") : flag;
    if (token && (token->size() < 16 || token->size() > 17))
        usage_error(fmt::format(
            "{} must be the job's token (printed by 'pjm create') or an admin token ('pjm token "
            "admin'): 16 hexadecimal characters, not {} characters (the value is a secret, so it "
            "is not shown)",
            flag.empty() ? "PJM_TOKEN" : "--token", token->size()));
    return token;
}

void Context::trace(const std::string& line) const {
    if (flags.verbose > 0) std::cerr << "pjm: " << line << '\n';
}

} // namespace pjm::cli

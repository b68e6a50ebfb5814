#include "server/http.hpp"

#include "server/envelope.hpp"

namespace pjm::server {

void reply(const ServerContext& ctx, Response& res, int status, std::string_view message,
           nlohmann::json result) {
    res.status = status;
    nlohmann::json doc = envelope(status < 400, message, std::move(result), ctx.config.version);
    if (res.tapis) doc["metadata"] = nlohmann::json::object(); // as every Tapis v3 service
    res.set_content(to_text(doc), "application/json");
}

Links links_for(const ServerContext& ctx, const Request& req) {
    std::string host = req.get_header_value("Host");
    if (host.empty() || host.find_first_of(" /\\\"<>") != std::string::npos)
        host = ctx.config.listen.host + ":" + std::to_string(ctx.config.listen.port);
    std::string scheme = req.get_header_value("X-Forwarded-Proto") == "https" ? "https" : "http";
    auto path = actors_path(req.path);
    return {scheme + "://" + host, path ? path->tree : "/actors/v2", ctx.config.actor_id,
            ctx.config.owner};
}

nlohmann::json abaco_result(const ServerContext& ctx, nlohmann::json result) {
    return core::in_case(std::move(result), ctx.config.key_case);
}

std::optional<core::QueryParams> query_of(const Request& req) {
    auto q = req.target.find('?');
    if (q == std::string::npos) return core::QueryParams{};
    return core::QueryParams::parse(std::string_view(req.target).substr(q + 1));
}

std::string repeated_parameter(const core::QueryParams& query,
                               std::initializer_list<const char*> keys) {
    for (const char* key : keys)
        if (std::size_t n = query.count(key); n > 1)
            return "URL parameter " + std::string(key) + " is given " + std::to_string(n) +
                   " times; give it once";
    return "";
}

std::optional<ActorsPath> actors_path(std::string_view path) {
    for (std::string_view tree : {k_v2_tree, k_v3_tree}) {
        if (!path.starts_with(tree)) continue;
        std::string_view rest = path.substr(tree.size());
        if (rest.empty() || rest == "/") return ActorsPath{std::string(tree), ""};
        if (rest.front() != '/') continue;
        rest.remove_prefix(1);
        return ActorsPath{std::string(tree), std::string(rest.substr(0, rest.find('/')))};
    }
    return std::nullopt;
}

bool admit(const ServerContext& ctx, Request& req, Response& res, Access access) {
    auto path = actors_path(req.path);
    Presented presented;
    presented.v3 = path && path->tree == k_v3_tree;
    if (req.has_header("Authorization"))
        presented.authorization = req.get_header_value("Authorization");
    if (req.has_header("X-Tapis-Token"))
        presented.tapis_token = req.get_header_value("X-Tapis-Token");
    auto query = query_of(req);
    presented.nonce = query ? query->get("x-nonce") : std::nullopt;
    // Credentials given twice could be read two ways (a proxy may check the other one).
    std::string twice;
    for (const char* header : {"Authorization", "X-Tapis-Token"})
        if (req.get_header_value_count(header) > 1)
            twice = "the " + std::string(header) + " header is given more than once";
    if (twice.empty() && query && query->count("x-nonce") > 1)
        twice = "the x-nonce URL parameter is given more than once";
    if (!twice.empty() && (!ctx.config.no_auth || access != Access::credentials)) {
        reply(ctx, res, 401, "not authorized: " + twice + "; give one credential");
        return false;
    }
    auto authenticator = ctx.auth.current();
    AuthResult auth;
    if (access == Access::admin || access == Access::either)
        auth = authenticator->check_admin(presented);
    if (access != Access::admin && (access != Access::either || !auth.ok()))
        auth = authenticator->check(presented, ctx.clock.now_s());
    // A viewer credential opens the reads (and the pipeline list); the sender's refusal
    // stands when it is not one.
    if (!auth.ok() && (access == Access::read || access == Access::either))
        if (AuthResult viewer = authenticator->check_viewer(presented); viewer.ok()) auth = viewer;
    if (!auth.ok()) {
        reply(ctx, res, 401, auth.message);
        return false;
    }
    req.identity = auth.identity;
    std::string asked = actors_path(req.path).value_or(ActorsPath{}).actor;
    if (!asked.empty() && asked != ctx.config.actor_id) {
        reply(ctx, res, 404,
              "no actor '" + std::string(valid_actor_id(asked) ? asked : "?") +
                  "' here: this manager serves actor '" + ctx.config.actor_id + "'");
        return false;
    }
    return true;
}

} // namespace pjm::server

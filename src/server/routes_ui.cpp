// The dashboard (docs/dashboard.md): GET /ui redirects to /ui/, GET /ui/ is its page and
// GET /ui/NAME its other files, all embedded in the module (ui_files.hpp); /ui/lifecycle.json
// is the lifecycle table and /ui/config.json what the page needs to find the API. None of them
// holds a job's data: the page reads that from the read routes, with the API's credentials, so
// these need none. Every reply carries a strict Content-Security-Policy (no inline script or
// style, nothing from elsewhere) and X-Content-Type-Options. `pjm serve --no-ui` turns it off.
#include "core/fsm.hpp"
#include "server/envelope.hpp"
#include "server/request_log.hpp"
#include "server/routes.hpp"
#include "server/ui_files.hpp"

namespace pjm::server {

namespace {

// 'self' only, and only what the page uses: its script, its style sheet, its pictures, and
// requests to this server's API.
constexpr const char* k_csp = "default-src 'none'; script-src 'self'; style-src 'self'; "
                              "img-src 'self'; connect-src 'self'; base-uri 'none'; "
                              "form-action 'self'; frame-ancestors 'none'";

void secure(Response& res) {
    res.set_header("Content-Security-Policy", k_csp);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Cache-Control", "no-cache");
}

const char* media_type(std::string_view name) {
    auto ends = [&](std::string_view tail) { return name.ends_with(tail); };
    if (ends(".html")) return "text/html; charset=utf-8";
    if (ends(".js")) return "text/javascript; charset=utf-8";
    if (ends(".css")) return "text/css; charset=utf-8";
    if (ends(".svg")) return "image/svg+xml";
    if (ends(".json")) return "application/json";
    return "application/octet-stream";
}

bool turned_off(ServerContext& ctx, Response& res) {
    if (ctx.config.ui) return false;
    reply(ctx, res, 404, "the dashboard is turned off here (pjm serve --no-ui)");
    return true;
}

// The lifecycle as the page draws and explains it: states with their meaning, events with the
// states they fire from and where they lead, from core/fsm's tables.
nlohmann::json lifecycle() {
    nlohmann::json states = nlohmann::json::array(), events = nlohmann::json::array();
    for (core::State s : core::all_states())
        states.push_back({{"name", core::to_string(s)}, {"meaning", core::describe(s)}});
    for (core::Event e : core::all_events()) {
        nlohmann::json from = nlohmann::json::object();
        for (core::State s : core::all_states())
            if (auto to = core::transition(s, e))
                from[std::string(core::to_string(s))] = core::to_string(*to);
        events.push_back({{"name", core::to_string(e)}, {"from", from}});
    }
    return {{"states", states}, {"events", events}};
}

} // namespace

void get_ui_root(ServerContext& ctx, const Request&, Response& res) {
    if (turned_off(ctx, res)) return;
    res.status = 308;
    res.set_header("Location", "/ui/");
    secure(res);
    res.set_content("the dashboard is at /ui/\n", "text/plain; charset=utf-8");
}

void get_ui_file(ServerContext& ctx, const Request& req, Response& res) {
    if (turned_off(ctx, res)) return;
    std::string name = req.matches.size() > 1 ? req.matches[1] : "";
    if (name.empty()) name = "index.html";
    if (name == "lifecycle.json") {
        res.status = 200;
        res.set_content(lifecycle().dump(), media_type(name));
    } else if (name == "config.json") {
        res.status = 200;
        res.set_content(nlohmann::json{{"actor_id", ctx.config.actor_id},
                                       {"api", std::string(k_v2_tree) + "/" + ctx.config.actor_id}}
                            .dump(),
                        media_type(name));
    } else {
        const UiFile* found = nullptr;
        for (const UiFile& f : ui_files())
            if (name == f.name) found = &f;
        if (!found)
            return reply(ctx, res, 404, "the dashboard has no file " + loggable_target(name));
        res.status = 200;
        res.set_content(std::string(found->bytes), media_type(name));
    }
    secure(res);
}

} // namespace pjm::server

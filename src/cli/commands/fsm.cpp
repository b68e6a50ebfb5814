#include "core/fsm.hpp"

#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "cli/output.hpp"

#include <iostream>

namespace pjm::cli {

namespace {

std::string join_states(const std::vector<core::State>& states) {
    if (states.size() == core::k_state_count) return "any state";
    std::string out;
    for (auto s : states)
        out += (out.empty() ? "" : ", ") + std::string(core::to_string(s));
    return out.empty() ? "(new job only)" : out;
}

std::string target(core::Event e) {
    if (e == core::Event::create) return "CREATED";
    if (core::keeps_state(e)) return "unchanged";
    auto from = core::sources(e);
    return std::string(core::to_string(*core::transition(from.front(), e)));
}

void print_dot() {
    std::cout << "digraph pipelinejob {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n"
                 "  new [shape=point];\n";
    for (auto s : core::all_states())
        std::cout << "  " << core::to_string(s) << ";\n";
    std::cout << "  new -> CREATED [label=\"create\"];\n";
    for (auto e : core::all_events()) {
        if (e == core::Event::create) continue;
        for (auto s : core::sources(e)) {
            auto to = *core::transition(s, e);
            std::cout << "  " << core::to_string(s) << " -> " << core::to_string(to) << " [label=\""
                      << core::to_string(e) << "\""
                      << (core::is_admin_only(e) ? ", style=dashed" : "") << "];\n";
        }
    }
    std::cout << "}\n";
}

int run_fsm(Context& ctx, bool dot) {
    if (dot) {
        print_dot();
        return 0;
    }
    if (ctx.flags.json) {
        nlohmann::json events = nlohmann::json::array();
        for (auto e : core::all_events()) {
            nlohmann::json from = nlohmann::json::array();
            for (auto s : core::sources(e))
                from.push_back(core::to_string(s));
            events.push_back({{"event", core::to_string(e)},
                              {"from", from},
                              {"to", target(e)},
                              {"admin_only", core::is_admin_only(e)}});
        }
        nlohmann::json states = nlohmann::json::array();
        for (auto s : core::all_states())
            states.push_back({{"state", core::to_string(s)}, {"meaning", core::describe(s)}});
        print_json({{"states", states}, {"events", events}});
        return 0;
    }
    std::vector<std::vector<std::string>> rows = {{"EVENT", "ALLOWED FROM", "GOES TO", "TOKEN"}};
    for (auto e : core::all_events())
        rows.push_back({std::string(core::to_string(e)), join_states(core::sources(e)), target(e),
                        e == core::Event::create ? "-"
                        : core::is_admin_only(e) ? "admin"
                                                 : "job or admin"});
    print_table(rows);
    return 0;
}

} // namespace

void add_fsm_command(Command& root, Context& ctx) {
    auto dot = std::make_shared<bool>(false);
    auto& sub = root.sub("fsm", "Show the job lifecycle as a table, or Graphviz with --dot");
    sub.flag("--dot", *dot, "Print the lifecycle as a Graphviz digraph");
    sub.footer(examples({"pjm fsm", "pjm fsm --dot | dot -Tsvg > lifecycle.svg"}));
    sub.on_run([&ctx, dot] { return run_fsm(ctx, *dot); });
}

} // namespace pjm::cli

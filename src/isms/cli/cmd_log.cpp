// isms log verify | show
#include <fmt/format.h>

#include "isms/cli/cli.hpp"
#include "isms/core/error.hpp"
#include "isms/store/change_log.hpp"

namespace isms::cli {

void RegisterLog(CLI::App& root, Globals& g) {
    auto* log = root.add_subcommand("log", "the tamper-evident change log");
    log->require_subcommand(1);
    auto* verify = log->add_subcommand("verify", "recompute the hash chain; exit 1 and name the first broken entry "
                                                 "when it does not hold");
    verify->callback([&g] {
        auto app = OpenApp(g);
        auto v = store::VerifyLog(app->store());
        if (g.format == "json") {
            PrintJson({{"ok", v.ok},
                       {"entries", v.entries},
                       {"head_seq", v.head_seq},
                       {"head_hash", v.head_hash},
                       {"first_broken", v.first_broken ? Json(*v.first_broken) : Json(nullptr)},
                       {"problem", v.problem}});
        } else if (v.ok) {
            Say(g, fmt::format("change log OK: {} entries, head {} {}", v.entries, v.head_seq, v.head_hash));
        } else {
            std::cout << fmt::format("change log BROKEN at entry {}: {}\n", v.first_broken.value_or(0), v.problem);
        }
        if (!v.ok) throw CLI::RuntimeError(1);
    });

    auto* show = log->add_subcommand("show", "list change-log entries of the organisation");
    static std::string entity, id;
    static int64_t after = 0;
    static int limit = 50;
    show->add_option("--entity", entity, "only this entity type (e.g. control_override, view)");
    show->add_option("--id", id, "only this entity id");
    show->add_option("--after", after, "entries after this sequence number");
    show->add_option("--limit", limit, "at most this many entries")->capture_default_str();
    show->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        RequirePermission(ctx, Permission::kLogVerify);
        auto entries = app->store().Read([&](store::Db& db) {
            return store::ReadLog(db, {ctx.org_id, entity, id, after, limit});
        });
        io::Table t{{"seq", "at", "actor", "op", "entity", "id"}, {}};
        for (const auto& e : entries)
            t.rows.push_back({std::to_string(e.seq), e.at, e.actor, e.op, e.entity, e.entity_id});
        Print(t, g);
    });
}

}  // namespace isms::cli

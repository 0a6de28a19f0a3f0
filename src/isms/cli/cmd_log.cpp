// isms log verify | show [--system]
#include <fmt/format.h>

#include "isms/cli/cli.hpp"
#include "isms/core/error.hpp"
#include "isms/store/change_log.hpp"

namespace isms::cli {

void RegisterLog(CLI::App& root, Globals& g) {
    auto* log = root.add_subcommand("log", "the tamper-evident change log");
    log->require_subcommand(1);
    auto* verify = log->add_subcommand("verify", "recompute the hash chain and compare every record with its last "
                                                 "entry; exit 1 naming the first broken entry and changed records");
    verify->callback([&g] {
        auto app = OpenApp(g);
        auto all = app->VerifyStore();
        const auto& v = all.log;
        if (g.format == "json") {
            PrintJson(all.ToJson());
        } else {
            if (v.ok)
                Say(g, fmt::format("change log OK: {} entries, head {} {}", v.entries, v.head_seq, v.head_hash));
            else
                std::cout << fmt::format("change log BROKEN at entry {}: {}\n", v.first_broken.value_or(0), v.problem);
            if (all.records.empty()) {
                Say(g, "stored state OK: every record, control attribute override, saved view and SoA decision "
                       "equals its last change-log entry");
            } else {
                std::cout << "stored state CHANGED outside isms:\n";
                for (const auto& p : all.records)
                    std::cout << fmt::format("  {} {} (organisation {}): {}\n", p.type, p.id, p.org_id, p.problem);
            }
        }
        if (!all.ok()) throw CLI::RuntimeError(1);
    });

    auto* show = log->add_subcommand("show", "list change-log entries of the organisation");
    static std::string entity, id;
    static int64_t after = 0;
    static int limit = 50;
    static bool system = false;
    show->add_option("--entity", entity, "only this entity type (e.g. control_override, view)");
    show->add_option("--id", id, "only this entity id");
    show->add_option("--after", after, "entries after this sequence number");
    show->add_option("--limit", limit, "at most this many entries")->capture_default_str();
    show->add_flag("--system", system,
                   "the installation-wide entries instead (sign-ins, sign-outs, lockouts, migrations): all of them for "
                   "the local operator; with --as/--token, those about the organisation's members (users.admin)");
    show->callback([&g] {
        auto app = OpenApp(g);
        std::vector<store::ChangeEntry> entries;
        if (system) {
            auto ctx = CliContext(*app, g, /*org_optional=*/true);
            entries = app->accounts().SystemLog(ctx, {.entity = entity, .entity_id = id, .after_seq = after,
                                                      .limit = limit});
        } else {
            auto ctx = CliContext(*app, g);
            RequirePermission(ctx, Permission::kLogVerify);
            entries = app->store().Read([&](store::Db& db) {
                return store::ReadLog(db, {ctx.org_id, entity, id, after, limit});
            });
        }
        io::Table t{{"seq", "at", "actor", "op", "entity", "id"}, {}};
        for (const auto& e : entries)
            t.rows.push_back({std::to_string(e.seq), e.at, e.actor, e.op, e.entity, e.entity_id});
        Print(t, g);
    });
}

}  // namespace isms::cli

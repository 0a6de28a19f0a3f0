// isms org list | add
#include <fmt/format.h>

#include "isms/cli/cli.hpp"
#include "isms/core/error.hpp"

namespace isms::cli {

void RegisterOrg(CLI::App& root, Globals& g) {
    auto* org = root.add_subcommand("org", "organisations in this store");
    org->require_subcommand(1);
    org->add_subcommand("list", "list organisations (acting as an account: only its own)")->callback([&g] {
        auto app = OpenApp(g);
        std::string only;
        if (g.ActingAsUser()) only = CliContext(*app, g).org_id;
        io::Table t{{"slug", "name", "id", "created_at"}, {}};
        for (const auto& o : app->organisations().List())
            if (!g.ActingAsUser() || o.id == only) t.rows.push_back({o.slug, o.name, o.id, o.created_at});
        Print(t, g);
    });
    auto* add = org->add_subcommand("add", "add an organisation (e.g. a consultant's next client)");
    static std::string name, slug, admin;
    add->add_option("name", name, "organisation name")->required();
    add->add_option("--slug", slug, "short name (default: derived from the name)");
    add->add_option("--admin", admin, "make this existing account the organisation's administrator");
    add->callback([&g] {
        // Organisations are the installation's business: only the local operator creates them.
        if (g.ActingAsUser()) throw Error::Forbidden("only the local operator creates organisations (drop --token/--as)");
        auto app = OpenApp(g);
        if (!admin.empty() && !app->accounts().FindByUsername(auth::AccountService::NormaliseUsername(admin)))
            throw Error::NotFound(fmt::format("no account '{}' (create it with: isms user add {})", admin, admin));
        auto o = app->organisations().Create(LocalOperator(), name, slug);
        Say(g, fmt::format("created organisation '{}' (slug: {})", o.name, o.slug));
        if (!admin.empty()) {
            auto m = app->accounts().Grant(LocalOperator(o.id), admin, Role::kAdministrator);
            Say(g, fmt::format("'{}' is {} in {}", admin, RoleName(m.role), m.org_slug));
        }
    });
}

}  // namespace isms::cli

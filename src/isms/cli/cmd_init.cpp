// isms init, isms demo
#include <fmt/format.h>

#include "isms/app/demo.hpp"
#include "isms/auth/password.hpp"
#include "isms/cli/cli.hpp"
#include "isms/core/error.hpp"

namespace isms::cli {

void RegisterInit(CLI::App& root, Globals& g) {
    auto* init = root.add_subcommand("init", "create a store (SQLite file or PostgreSQL database), run the "
                                             "migrations, load the built-in catalog and create an organisation");
    static std::string org_name, slug, admin;
    static bool password_stdin = false;
    init->add_option("--org-name,--name", org_name, "name of the first organisation (default: the --org value)");
    init->add_option("--slug", slug, "short name of the organisation (default: derived from the name)");
    init->add_option("--admin", admin, "create this account as the organisation's first administrator (the password "
                                       "is asked for, or read with --password-stdin)");
    init->add_flag("--password-stdin", password_stdin, "read the administrator's password from standard input");
    init->callback([&g] {
        if (g.ActingAsUser()) throw Error::Forbidden("init is for the local operator (drop --token/--as)");
        // Ask for the password before creating anything, so that a refused password leaves nothing behind.
        std::string password;
        if (!admin.empty()) {
            admin = auth::AccountService::NormaliseUsername(admin);
            password = ReadSecret("password for " + admin, password_stdin, true);
            auth::CheckPasswordPolicy(password, admin);
        }
        app::AppOptions o;
        o.db_url = g.db;
        o.create = true;
        app::App app(o);
        std::string name = org_name.empty() ? g.org : org_name;
        if (name.empty()) throw Error::InvalidInput("name the organisation: isms init --db FILE --org \"Acme AB\"",
                                                    {{"org", "required"}});
        auto existing = app.organisations().FindBySlugOrId(slug.empty() ? org::OrganisationService::SlugFromName(name)
                                                                        : slug);
        if (!admin.empty() && app.accounts().FindByUsername(admin))
            throw Error::Conflict(fmt::format("the account '{}' exists already (grant it a role with: isms user grant "
                                              "{} administrator)",
                                              admin, admin));
        org::Organisation org;
        if (existing) {
            org = *existing;
            Say(g, fmt::format("{} is ready; organisation '{}' ({}) exists already", app.store().Describe(),
                               existing->name, existing->slug));
        } else {
            org = app.organisations().Create(LocalOperator(), name, slug);
            Say(g, fmt::format("created {} (schema version {}) with organisation '{}' (slug: {})",
                               app.store().Describe(), app.store().SchemaVersion(), org.name, org.slug));
        }
        if (!admin.empty()) {
            app.accounts().Create(LocalOperator(org.id), {admin, "", password, Role::kAdministrator});
            Say(g, fmt::format("created the administrator '{}' of {}", admin, org.slug));
        } else if (app.accounts().List(Context::System()).empty()) {
            Say(g, "no account can sign in yet: add one with  isms user add NAME --role administrator");
        }
    });

    auto* demo = root.add_subcommand("demo", "create (or reuse) a store holding the demo organisation, a fictional "
                                             "Swedish SaaS company with a living ISMS");
    demo->callback([&g] {
        if (g.ActingAsUser()) throw Error::Forbidden("demo is for the local operator (drop --token/--as)");
        app::AppOptions o;
        o.db_url = g.db;
        o.create = true;
        app::App app(o);
        auto org = app::SeedDemo(app);
        Say(g, fmt::format("demo organisation '{}' ({}) is ready in {}", org.name, org.slug, app.store().Describe()));
        for (const auto& a : app::DemoCredentials(app))
            Say(g, fmt::format("  demo account {:<7} password {:<24} {}", a.username, a.password, RoleName(a.role)));
    });
}

}  // namespace isms::cli

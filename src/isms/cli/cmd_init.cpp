// isms init, isms demo
#include <fmt/format.h>

#include "isms/app/demo.hpp"
#include "isms/cli/cli.hpp"
#include "isms/core/error.hpp"

namespace isms::cli {

void RegisterInit(CLI::App& root, Globals& g) {
    auto* init = root.add_subcommand("init", "create a store (SQLite file or PostgreSQL database), run the "
                                             "migrations, load the built-in catalog and create an organisation");
    static std::string org_name, slug;
    init->add_option("--org-name,--name", org_name, "name of the first organisation (default: the --org value)");
    init->add_option("--slug", slug, "short name of the organisation (default: derived from the name)");
    init->callback([&g] {
        app::AppOptions o;
        o.db_url = g.db;
        o.create = true;
        app::App app(o);
        std::string name = org_name.empty() ? g.org : org_name;
        if (name.empty()) throw Error::InvalidInput("name the organisation: isms init --db FILE --org \"Acme AB\"",
                                                    {{"org", "required"}});
        auto existing = app.organisations().FindBySlugOrId(slug.empty() ? org::OrganisationService::SlugFromName(name)
                                                                        : slug);
        if (existing) {
            Say(g, fmt::format("{} is ready; organisation '{}' ({}) exists already", app.store().Describe(),
                               existing->name, existing->slug));
            return;
        }
        auto org = app.organisations().Create(Context::System(), name, slug);
        Say(g, fmt::format("created {} (schema version {}) with organisation '{}' (slug: {})", app.store().Describe(),
                           app.store().SchemaVersion(), org.name, org.slug));
    });

    auto* demo = root.add_subcommand("demo", "create (or reuse) a store holding the demo organisation, a fictional "
                                             "Swedish SaaS company with a living ISMS");
    demo->callback([&g] {
        app::AppOptions o;
        o.db_url = g.db;
        o.create = true;
        app::App app(o);
        auto org = app::SeedDemo(app);
        Say(g, fmt::format("demo organisation '{}' ({}) is ready in {}", org.name, org.slug, app.store().Describe()));
    });
}

}  // namespace isms::cli

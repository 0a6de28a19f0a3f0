// isms org list | add
#include <fmt/format.h>

#include "isms/cli/cli.hpp"

namespace isms::cli {

void RegisterOrg(CLI::App& root, Globals& g) {
    auto* org = root.add_subcommand("org", "organisations in this store");
    org->require_subcommand(1);
    org->add_subcommand("list", "list organisations")->callback([&g] {
        auto app = OpenApp(g);
        io::Table t{{"slug", "name", "id", "created_at"}, {}};
        for (const auto& o : app->organisations().List()) t.rows.push_back({o.slug, o.name, o.id, o.created_at});
        Print(t, g);
    });
    auto* add = org->add_subcommand("add", "add an organisation (e.g. a consultant's next client)");
    static std::string name, slug;
    add->add_option("name", name, "organisation name")->required();
    add->add_option("--slug", slug, "short name (default: derived from the name)");
    add->callback([&g] {
        auto app = OpenApp(g);
        auto o = app->organisations().Create(Context::System(), name, slug);
        Say(g, fmt::format("created organisation '{}' (slug: {})", o.name, o.slug));
    });
}

}  // namespace isms::cli

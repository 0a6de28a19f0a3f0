#include "isms/risk/directory.hpp"

namespace isms::risk {

std::vector<AnnexAControl> AnnexAControls(catalog::CatalogService& catalog, const Context& ctx) {
    auto snapshot = catalog.Snapshot(ctx, catalog::kIso27002);
    std::vector<AnnexAControl> out;
    out.reserve(snapshot->controls.size());
    for (const auto& c : snapshot->controls) {
        AnnexAControl a;
        a.id = c.id;
        a.title = c.title;
        a.theme = c.First("theme");
        for (const auto& [family, values] : c.attributes)
            if (family != "theme") a.attributes.emplace(family, values);
        out.push_back(std::move(a));
    }
    return out;
}

}  // namespace isms::risk

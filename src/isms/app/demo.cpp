#include "isms/app/demo.hpp"

namespace isms::app {

org::Organisation SeedDemo(App& app) {
    if (auto existing = app.organisations().FindBySlugOrId(kDemoOrgSlug)) return *existing;
    Context sys = Context::System();
    auto org = app.organisations().Create(sys, kDemoOrgName, kDemoOrgSlug);
    // Each domain adds its part of the story here (records, risks, SoA, audits, …).
    return org;
}

}  // namespace isms::app

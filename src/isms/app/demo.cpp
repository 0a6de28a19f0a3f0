#include "isms/app/demo.hpp"

namespace isms::app {

org::Organisation SeedDemo(App& app) {
    if (auto existing = app.organisations().FindBySlugOrId(kDemoOrgSlug)) return *existing;
    Context sys = Context::System();
    auto org = app.organisations().Create(sys, kDemoOrgName, kDemoOrgSlug);
    app.MarkDemoStore(kDemoOrgSlug);
    Context in_org = Context::System(org.id);
    for (const auto& a : kDemoAccounts) {
        if (app.accounts().FindByUsername(a.username)) continue;
        app.accounts().Create(in_org, {a.username, a.display_name, a.password, a.role});
    }
    // Each domain adds its part of the story here (records, risks, SoA, audits, …).
    SeedCatalogViews(app, org);
    SeedDemoRecords(app, org.id);
    SeedDemoRisks(app, org.id);
    SeedDemoEvaluation(app, org.id);
    return org;
}

void SeedCatalogViews(App& app, const org::Organisation& org) {
    Context ctx = Context::System(org.id);
    using Mode = catalog::ViewService::SaveMode;
    // The security operations team: what it watches for and answers to, by the capability it runs.
    app.views().Save(ctx,
                     {.name = "soc-detect-respond",
                      .description = "SOC: detective and responsive controls by operational capability",
                      .where = "cybersecurity_concepts in (Detect, Respond)",
                      .sort = "id",
                      .group_by = "operational_capabilities"},
                     Mode::kUpsert);
    // Top management: how the controls spread over the themes and what kind of protection they give.
    app.views().Save(ctx,
                     {.name = "board-overview",
                      .description = "Management review: controls per theme and control type",
                      .pivot = "theme,control_type"},
                     Mode::kUpsert);
    // A payroll SaaS lives on its suppliers and its cloud: the controls its customers ask about first.
    app.views().Save(ctx,
                     {.name = "suppliers-and-cloud",
                      .description = "Customer due diligence: supplier, cloud and data-protection controls",
                      .where = "operational_capabilities = Supplier_relationships_security or title ~ cloud or "
                               "title ~ privacy",
                      .columns = "id,title,control_type,security_properties"},
                     Mode::kUpsert);
}

std::vector<DemoAccount> DemoCredentials(App& app) {
    std::vector<DemoAccount> out;
    if (!app.IsDemoStore()) return out;
    for (const auto& a : kDemoAccounts)
        if (app.accounts().CheckPassword(a.username, a.password)) out.push_back(a);
    return out;
}

}  // namespace isms::app

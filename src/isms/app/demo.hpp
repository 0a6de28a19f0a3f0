// The demo organisation that `make run` serves: Kvarnberg Cloud AB, a fictional Swedish SaaS company
// (payroll software for Nordic small businesses, 60 staff, hosted in two Stockholm data centres).
//
// The demo store is the only store with well-known passwords: SeedDemo marks it (App::MarkDemoStore) and
// creates one account per role; `isms serve` prints their credentials only for a store carrying the mark.
#pragma once

#include <string>
#include <vector>

#include "isms/app/app.hpp"

namespace isms::app {

// Creates the demo organisation with its records and demo accounts when it does not exist yet; returns it.
// Idempotent.
org::Organisation SeedDemo(App& app);
// The demo's saved catalog views (a SOC's, top management's, customer due diligence's). Idempotent.
void SeedCatalogViews(App& app, const org::Organisation& org);

// The demo's ISMS records (demo_records.cpp), called by SeedDemo.
void SeedDemoRecords(App& app, const std::string& org_id);
// The demo's risk register, treatment plan, acceptances, FAIR estimates and an approved Statement of
// Applicability (demo_risk.cpp), called by SeedDemo after the records it links to. Idempotent.
void SeedDemoRisks(App& app, const std::string& org_id);
// The demo's measurements, audit, nonconformities, improvements and management review (demo_evaluation.cpp),
// called by SeedDemo after SeedDemoRecords and SeedDemoRisks.
void SeedDemoEvaluation(App& app, const std::string& org_id);

inline constexpr const char* kDemoOrgSlug = "kvarnberg";
inline constexpr const char* kDemoOrgName = "Kvarnberg Cloud AB";

struct DemoAccount {
    const char* username;
    const char* display_name;
    Role role;
    const char* password;
};
// One account per role in the demo organisation, each the account of a person record of the demo
// (demo_records.cpp links them by username).
inline constexpr DemoAccount kDemoAccounts[] = {
    {"mikael", "Mikael Öberg (IT support)", Role::kAdministrator, "kvarnberg-administrator"},
    {"anna", "Anna Lindqvist (CISO)", Role::kIsmsManager, "kvarnberg-isms-manager"},
    {"maria", "Maria Holm (CTO)", Role::kRiskOwner, "kvarnberg-risk-owner"},
    {"nils", "Nils Wallin (internal auditor)", Role::kAuditor, "kvarnberg-auditor"},
    {"fatima", "Fatima Rahimi (platform engineering lead)", Role::kContributor, "kvarnberg-contributor"},
    {"lars", "Lars Bergström (CFO)", Role::kViewer, "kvarnberg-viewer"},
};

// The demo accounts that still have their demo password, for the banner of `isms serve`; empty unless the
// store carries the demo mark.
std::vector<DemoAccount> DemoCredentials(App& app);

}  // namespace isms::app

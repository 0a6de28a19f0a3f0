// The demo organisation that `make run` serves: Kvarnberg Cloud AB, a fictional Swedish SaaS company
// (payroll software for Nordic small businesses, 60 staff, hosted in two Stockholm data centres).
#pragma once

#include "isms/app/app.hpp"

namespace isms::app {

// Creates the demo organisation with its records when it does not exist yet; returns it. Idempotent.
org::Organisation SeedDemo(App& app);
// The demo's saved catalog views (a SOC's, top management's, customer due diligence's). Idempotent.
void SeedCatalogViews(App& app, const org::Organisation& org);

// The demo's ISMS records (demo_records.cpp), called by SeedDemo.
void SeedDemoRecords(App& app, const std::string& org_id);

inline constexpr const char* kDemoOrgSlug = "kvarnberg";
inline constexpr const char* kDemoOrgName = "Kvarnberg Cloud AB";

}  // namespace isms::app

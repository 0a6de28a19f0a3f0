// The demo organisation's ISMS records (clauses 4–7 and the registers): Kvarnberg Cloud AB, a fictional
// Swedish payroll SaaS company with about 60 staff in Stockholm. Everything goes through the record service,
// as a user's input would, so the demo also exercises validation, links, workflows and the change log.
//
// Stable ids other parts of the demo may link to: persons PER-1 (Anna Lindqvist, CISO) … PER-14; roles
// ROL-1 … ROL-6; assets AST-1 (payroll platform), AST-2 (customer payroll database), AST-3 (HR data),
// AST-4 (source code), AST-5 (laptops), AST-6 (production cluster), AST-7 (backups), AST-8 (hosting
// contract), AST-9 (office), AST-10 (bank payment-file integration); suppliers SUP-1 (Nordlys Cloud) … SUP-5.
#include "isms/app/demo.hpp"
#include "isms/app/demo_seeder.hpp"

namespace isms::app {

void SeedDemoRecords(App& app, const std::string& org_id) {
    RecordSeeder s(app, org_id);

    // ---- 5.3 Roles ------------------------------------------------------------------------------------
    s.Add("role", {{"name", "Top management"},
                   {"responsibilities", "Sets the information security policy and objectives, provides resources, "
                                        "accepts residual risk and reviews the ISMS twice a year."},
                   {"authorities", "Approves policies, the scope, the risk treatment plan and the SoA."},
                   {"top_management", true},  // 27001 5.1: accepts the residual risks reserved for top management
                   {"accountable_for", {"leadership", "policy", "scope", "resources", "management_review"}},
                   {"informed_of", {"internal_audit", "incident_management"}}});
    s.Add("role", {{"name", "Information security manager"},
                   {"responsibilities", "Runs the ISMS day to day: risk assessment, SoA, documents, awareness, "
                                        "internal audit programme and reporting to top management."},
                   {"authorities", "May stop a release or a supplier onboarding that breaks a policy; owns the "
                                   "ISMS documents."},
                   {"reports_to", "ROL-1"},
                   {"responsible_for", {"context", "interested_parties", "risk_assessment", "risk_treatment",
                                        "statement_of_applicability", "objectives", "awareness",
                                        "documented_information", "monitoring_measurement", "improvement"}},
                   {"accountable_for", {"risk_assessment", "statement_of_applicability", "awareness"}},
                   {"consulted_on", {"change_planning", "supplier_management"}}});
    s.Add("role", {{"name", "Data protection officer"},
                   {"responsibilities", "Advises on GDPR, keeps the record of processing and handles contacts "
                                        "with IMY."},
                   {"reports_to", "ROL-1"},
                   {"consulted_on", {"risk_assessment", "supplier_management", "incident_management"}}});
    s.Add("role", {{"name", "Platform owner"},
                   {"responsibilities", "Operates the payroll platform securely: hardening, patching, backups, "
                                        "logging and capacity."},
                   {"reports_to", "ROL-1"},
                   {"responsible_for", {"operations", "business_continuity", "incident_management"}}});
    s.Add("role", {{"name", "Developer"},
                   {"responsibilities", "Writes and reviews code following the secure development procedure."},
                   {"responsible_for", {"operations"}},
                   {"informed_of", {"policy", "awareness"}}});
    s.Add("role", {{"name", "Internal auditor"},
                   {"responsibilities", "Audits the ISMS against ISO/IEC 27001 and our own requirements; "
                                        "independent of the audited work."},
                   {"responsible_for", {"internal_audit"}},
                   {"reports_to", "ROL-1"},
                   {"conflicting_roles", {"ROL-2", "ROL-4"}}});
    s.Edit("role", "ROL-4", {{"conflicting_roles", {"ROL-6"}}});
    for (const char* r : {"ROL-1", "ROL-2", "ROL-3", "ROL-4", "ROL-5", "ROL-6"}) s.Move("role", r, {"approve"});

    // ---- Persons (7.1–7.3) ------------------------------------------------------------------------------
    struct P {
        const char *name, *email, *user, *title, *dept;
        std::vector<std::string> roles;
    };
    std::vector<P> people = {
        {"Anna Lindqvist", "anna.lindqvist@kvarnberg.se", "anna", "Chief information security officer", "Security",
         {"ROL-2"}},
        {"Erik Sandberg", "erik.sandberg@kvarnberg.se", "erik", "Chief executive officer", "Management", {"ROL-1"}},
        {"Maria Holm", "maria.holm@kvarnberg.se", "maria", "Chief technology officer", "Engineering", {"ROL-1"}},
        {"Johan Ek", "johan.ek@kvarnberg.se", "johan", "Head of customer operations", "Operations", {}},
        {"Sara Nyström", "sara.nystrom@kvarnberg.se", "sara", "HR manager", "People", {}},
        {"Lars Bergström", "lars.bergstrom@kvarnberg.se", "lars", "Chief financial officer", "Finance", {"ROL-1"}},
        {"Fatima Rahimi", "fatima.rahimi@kvarnberg.se", "fatima", "Platform engineering lead", "Engineering",
         {"ROL-4"}},
        {"Oskar Lund", "oskar.lund@kvarnberg.se", "oskar", "Backend developer", "Engineering", {"ROL-5"}},
        {"Elin Andersson", "elin.andersson@kvarnberg.se", "", "Data protection officer", "Legal", {"ROL-3"}},
        {"Karin Svensson", "karin.svensson@kvarnberg.se", "karin", "Customer success manager", "Operations", {}},
        {"Mikael Öberg", "mikael.oberg@kvarnberg.se", "mikael", "IT support", "Operations", {}},
        {"Nils Wallin", "nils.wallin@revisionsbyran.example", "nils", "Internal auditor (consultant)", "External",
         {"ROL-6"}},
        {"Ida Johansson", "ida.johansson@kvarnberg.se", "ida", "Frontend developer", "Engineering", {"ROL-5"}},
        {"Peter Karlsson", "peter.karlsson@kvarnberg.se", "", "Support engineer", "Operations", {}},
    };
    for (const auto& p : people) {
        Json d = {{"name", p.name}, {"email", p.email}, {"job_title", p.title}, {"department", p.dept},
                  {"start_date", s.Day(-900)}};
        if (*p.user) d["username"] = p.user;
        if (!p.roles.empty()) d["roles"] = p.roles;
        if (std::string(p.dept) == "External") d["employment"] = "consultant";
        if (std::string(p.name) == "Elin Andersson") d["employment"] = "consultant";
        s.Add("person", d);
    }
    s.Edit("person", "PER-1", {{"manager", "PER-2"}});
    s.Edit("person", "PER-7", {{"manager", "PER-3"}});
    s.Edit("person", "PER-8", {{"manager", "PER-7"}});
    s.Edit("person", "PER-14", {{"active", false}, {"end_date", s.Day(-40)}});

    // ---- Legal and contractual obligations (4.2 c, A.5.31) ----------------------------------------------
    s.Add("legal_requirement",
          {{"title", "General Data Protection Regulation"}, {"kind", "regulation"},
           {"reference", "Regulation (EU) 2016/679"}, {"jurisdiction", "EU"},
           {"obligations", "We process employees' personal data for our customers as their processor: security "
                           "of processing, breach notification to the controller without delay, sub-processor "
                           "approval, records of processing."},
           {"owner", "PER-9"}, {"controls", {"5.34", "5.31"}}, {"compliance", "partially_compliant"},
           {"last_assessed", s.Day(-200)}});
    s.Add("legal_requirement",
          {{"title", "Bookkeeping Act (payroll records retention)"}, {"kind", "law"}, {"reference", "SFS 1999:1078"},
           {"jurisdiction", "Sweden"},
           {"obligations", "Payroll and accounting records are kept for seven years and stay readable."},
           {"owner", "PER-6"}, {"controls", {"5.33"}}, {"compliance", "compliant"}, {"last_assessed", s.Day(-300)}});
    s.Add("legal_requirement",
          {{"title", "NIS2 Directive as transposed in Sweden"}, {"kind", "law"},
           {"reference", "Directive (EU) 2022/2555"}, {"jurisdiction", "EU / Sweden"},
           {"obligations", "May apply through our customers in essential sectors: risk management measures and "
                           "incident reporting. Applicability under assessment."},
           {"owner", "PER-1"}});
    s.Add("legal_requirement",
          {{"title", "Customer master subscription agreement, security schedule"}, {"kind", "contract"},
           {"reference", "MSA v4, schedule 3"},
           {"obligations", "ISO/IEC 27001 certification within 18 months, 99.8 % availability, 24-hour breach "
                           "notice, annual penetration test, data kept in the EU."},
           {"owner", "PER-4"}, {"controls", {"5.20", "8.8"}}, {"compliance", "partially_compliant"},
           {"last_assessed", s.Day(-380)}});
    s.Move("legal_requirement", "LEG-1", {"confirm"});
    s.Move("legal_requirement", "LEG-2", {"confirm"});
    s.Move("legal_requirement", "LEG-4", {"confirm"});

    // ---- 4.2 Interested parties and their requirements --------------------------------------------------
    s.Add("interested_party", {{"name", "Customers (Nordic small businesses)"}, {"category", "customer"},
                               {"origin", "external"}, {"influence", "high"}, {"owner", "PER-4"},
                               {"needs_and_expectations", "Correct, confidential and punctual payroll; proof of "
                                                          "security (certificate, reports)."}});
    s.Add("interested_party", {{"name", "Employees of our customers"}, {"category", "public"}, {"origin", "external"},
                               {"needs_and_expectations", "Their salary and personal data are safe and correct."}});
    s.Add("interested_party", {{"name", "Our staff"}, {"category", "employee"}, {"origin", "internal"},
                               {"owner", "PER-5"}, {"needs_and_expectations", "Clear rules, privacy of HR data."}});
    s.Add("interested_party", {{"name", "Swedish Authority for Privacy Protection (IMY)"}, {"category", "regulator"},
                               {"origin", "external"}, {"influence", "high"}, {"owner", "PER-9"}});
    s.Add("interested_party", {{"name", "Swedish Tax Agency"}, {"category", "authority"}, {"origin", "external"},
                               {"needs_and_expectations", "Timely and correct employer declarations filed on behalf "
                                                          "of customers."}});
    s.Add("interested_party", {{"name", "Owners and board"}, {"category", "owner"}, {"origin", "internal"},
                               {"influence", "high"}, {"owner", "PER-2"}});
    s.Add("interested_party", {{"name", "Banks receiving payment files"}, {"category", "partner"},
                               {"origin", "external"}, {"owner", "PER-6"}});
    s.Add("requirement", {{"title", "ISO/IEC 27001 certificate"}, {"interested_party", "IP-1"}, {"kind", "contractual"},
                          {"how_addressed", "Certification audit planned; this ISMS is the programme."},
                          {"obligations", {"LEG-4"}}});
    s.Add("requirement", {{"title", "Breach notification within 24 hours"}, {"interested_party", "IP-1"},
                          {"kind", "contractual"}, {"obligations", {"LEG-4", "LEG-1"}},
                          {"how_addressed", "Incident response procedure with a customer notice template."},
                          {"controls", {"5.24", "5.26"}}});
    s.Add("requirement", {{"title", "Personal data breaches reported to IMY within 72 hours"},
                          {"interested_party", "IP-4"}, {"kind", "legal"}, {"obligations", {"LEG-1"}},
                          {"how_addressed", "Through the controller (our customer); the DPO supports them."}});
    s.Add("requirement", {{"title", "Integrity of payment files"}, {"interested_party", "IP-7"}, {"kind", "contractual"},
                          {"how_addressed", "Signed files over a dedicated channel; dual control on release."},
                          {"controls", {"8.24", "5.14"}}});
    s.Add("requirement", {{"title", "Staff may use personal phones for work e-mail"}, {"interested_party", "IP-3"},
                          {"kind", "expectation"}, {"addressed_through_isms", false},
                          {"how_addressed", "Not adopted: company phones only, see the acceptable use policy."}});
    s.Move("requirement", "REQ-1", {"accept"});
    s.Move("requirement", "REQ-2", {"accept"});
    s.Move("requirement", "REQ-3", {"accept"});
    s.Move("requirement", "REQ-4", {"accept"});
    s.Move("requirement", "REQ-5", {"reject"});

    // ---- 4.1 Context issues ---------------------------------------------------------------------------
    s.Add("context_issue", {{"title", "Customers require ISO/IEC 27001 certification"}, {"origin", "external"},
                            {"category", "market"}, {"direction", "both"}, {"significance", "high"},
                            {"owner", "PER-2"}, {"related_parties", {"IP-1"}}, {"last_reviewed", s.Day(-100)},
                            {"effect", "Certification is a condition in new enterprise deals; the ISMS must reach "
                                       "audit readiness within the year."}});
    s.Add("context_issue", {{"title", "NIS2 may reach us through our customers"}, {"origin", "external"},
                            {"category", "legal_regulatory"}, {"direction", "threat"}, {"significance", "medium"},
                            {"owner", "PER-1"}, {"last_reviewed", s.Day(-340)},
                            {"effect", "Incident reporting and supply-chain clauses may appear in contracts."}});
    s.Add("context_issue", {{"title", "Ransomware against payroll providers"}, {"origin", "external"},
                            {"category", "technological"}, {"direction", "threat"}, {"significance", "high"},
                            {"owner", "PER-7"}, {"last_reviewed", s.Day(-60)},
                            {"effect", "Payroll runs on fixed dates: outage tolerance is low; offline backups and "
                                       "restore tests are essential."}});
    s.Add("context_issue", {{"title", "Headcount doubles in two years"}, {"origin", "internal"},
                            {"category", "organisational"}, {"direction", "both"}, {"owner", "PER-5"},
                            {"last_reviewed", s.Day(-370)},
                            {"effect", "Onboarding, access reviews and awareness must scale; informal practices no "
                                       "longer suffice."}});
    s.Add("context_issue", {{"title", "Consolidation on one cloud provider"}, {"origin", "internal"},
                            {"category", "technological"}, {"direction", "opportunity"}, {"owner", "PER-3"},
                            {"effect", "Fewer systems to secure, but more dependence on one supplier (exit plan)."}});

    // ---- 4.3 Scope (approved; revision 2 in review) -----------------------------------------------------
    std::string scope = s.Add(
        "scope_statement",
        {{"title", "ISMS scope of Kvarnberg Cloud AB"},
         {"statement", "The development, operation and support of the Kvarnberg payroll service for Nordic "
                       "small businesses, provided from Stockholm, including the supporting people, processes, "
                       "systems and suppliers."},
         {"organisational_units", {"Engineering", "Operations", "Security", "People", "Finance"}},
         {"locations", {"Head office, Stockholm", "Cloud region eu-north (Nordlys Cloud)"}},
         {"services", {"Kvarnberg Payroll (SaaS)", "Payroll support desk"}},
         {"boundaries", "Everything the payroll service needs from code to customer support. Customers' own "
                        "devices and networks are outside."},
         {"interfaces", "Customers' HR systems (file and API import), banks (payment files), the Swedish Tax "
                        "Agency (employer declarations)."},
         {"dependencies", "Nordlys Cloud (IaaS), Fjällmail (e-mail and office), Betalnät (payment gateway)."},
         {"exclusions", "A.7.5 protection against physical and environmental threats to data centres is met by "
                        "the hosting supplier (covered through supplier controls), not excluded. No control is "
                        "excluded."},
         {"interested_parties", {"IP-1", "IP-3", "IP-4", "IP-7"}},
         {"context_issues", {"CTX-1", "CTX-3"}},
         {"owner", "PER-1"},
         {"approver", "PER-2"}});
    s.Move("scope_statement", scope, {"submit"});
    s.As("user:erik");
    s.Move("scope_statement", scope, {"approve"});
    s.As("user:anna");
    s.Edit("scope_statement", scope,
           {{"locations", {"Head office, Stockholm", "Cloud region eu-north (Nordlys Cloud)", "Göteborg sales office"}}});
    s.Move("scope_statement", scope, {"submit"});

    // ---- 5.2 / 7.5 Documents ----------------------------------------------------------------------------
    auto doc = [&](const char* ident, const char* title, const char* kind, const char* owner, Json extra) {
        extra["identifier"] = ident;
        extra["title"] = title;
        extra["kind"] = kind;
        extra["owner"] = owner;
        return s.Add("document", extra);
    };
    std::string policy = doc("POL-001", "Information security policy", "policy", "PER-1",
                             {{"approver", "PER-2"}, {"classification", "public"},
                              {"summary", "Top management's commitment, objectives framework and the rules every "
                                          "person at Kvarnberg follows."},
                              {"related_controls", {"5.1"}}});
    std::string aup = doc("POL-002", "Acceptable use policy", "topic_policy", "PER-1",
                          {{"approver", "PER-3"}, {"related_controls", {"5.10", "8.1"}}});
    std::string access = doc("POL-003", "Access control policy", "topic_policy", "PER-7",
                             {{"approver", "PER-3"}, {"related_controls", {"5.15", "5.18", "8.2"}}});
    std::string supplier_pol = doc("POL-004", "Supplier security policy", "topic_policy", "PER-1",
                                   {{"approver", "PER-6"}, {"related_controls", {"5.19", "5.20", "5.21", "5.22"}}});
    doc("PRO-001", "Incident response procedure", "procedure", "PER-7",
        {{"audience", {"ROL-4", "ROL-2"}}, {"related_controls", {"5.24", "5.25", "5.26"}}});
    std::string crypto = doc("POL-005", "Cryptography policy", "topic_policy", "PER-7",
                             {{"approver", "PER-3"}, {"related_controls", {"8.24"}}, {"review_interval", "P12M"},
                              {"last_reviewed", s.Day(-395)}});  // overdue for review
    std::string secure_dev = doc("PRO-002", "Secure development procedure", "procedure", "PER-3",
                                 {{"approver", "PER-3"}, {"audience", {"ROL-5"}}, {"related_controls", {"8.25", "8.28"}}});
    for (const auto& d : {policy, aup, crypto, secure_dev}) {
        s.Move("document", d, {"submit"});
        s.As(d == policy ? "user:erik" : "user:maria");
        s.Move("document", d, {"approve", "publish"});
        s.As("user:anna");
    }
    s.Move("document", access, {"submit"});
    s.As("user:maria");
    s.Move("document", access, {"approve"});
    s.As("user:anna");
    s.Move("document", supplier_pol, {"submit"});
    s.Ack("document", policy, {"PER-1", "PER-2", "PER-3", "PER-4", "PER-6", "PER-7", "PER-8", "PER-11"});
    s.Ack("document", aup, {"PER-1", "PER-7", "PER-8"});
    s.Ack("document", secure_dev, {"PER-8"});

    // ---- 6.2 Objectives --------------------------------------------------------------------------------
    s.Add("objective", {{"title", "Reach ISO/IEC 27001 certification"}, {"policy", policy},
                        {"target", "Certificate issued without major nonconformities."}, {"owner", "PER-1"},
                        {"due_date", s.Day(300)}, {"indicator", "Annex A controls implemented"},
                        {"target_value", 93}, {"current_value", 61}, {"unit", "controls"},
                        {"resources", "0.5 FTE security, external audit budget"},
                        {"evaluation", "Monthly readiness report to top management; stage 1 audit result."},
                        {"last_reviewed", s.Day(-80)}});
    s.Add("objective", {{"title", "Every person completes awareness training"}, {"policy", policy},
                        {"target", "At least 95 % of staff complete the annual e-learning by its end date."},
                        {"owner", "PER-5"}, {"due_date", s.Day(45)}, {"target_value", 95}, {"current_value", 58},
                        {"unit", "%"}, {"evaluation", "Completion list from the awareness activity."},
                        {"last_reviewed", s.Day(-20)}});
    s.Add("objective", {{"title", "Restore the payroll platform within four hours"},
                        {"target", "A full restore test from offline backup finishes within 4 hours, twice a year."},
                        {"owner", "PER-7"}, {"due_date", s.Day(120)}, {"target_value", 4}, {"current_value", 6.5},
                        {"unit", "hours"}, {"evaluation", "Restore test report."}});
    s.Move("objective", "OBJ-1", {"start"});
    s.Move("objective", "OBJ-2", {"start"});

    // ---- Assets (A.5.9–5.12) ------------------------------------------------------------------------------
    auto asset = [&](const char* name, const char* type, const char* owner, const char* cls, int c, int i, int a,
                     Json extra) {
        extra["name"] = name;
        extra["asset_type"] = type;
        extra["owner"] = owner;
        extra["classification"] = cls;
        extra["confidentiality"] = c;
        extra["integrity"] = i;
        extra["availability"] = a;
        return s.Add("asset", extra);
    };
    // ---- Suppliers first (assets name them) --------------------------------------------------------------
    s.Add("supplier", {{"name", "Nordlys Cloud AB"}, {"services", "Infrastructure as a service: compute, storage and "
                                                                  "managed Kubernetes in the eu-north region."},
                       {"criticality", "critical"}, {"information_access", "personal_data"}, {"owner", "PER-7"},
                       {"country", "Sweden"}, {"contract_reference", "NC-2023-118"}, {"contract_start", s.Day(-700)},
                       {"contract_end", s.Day(395)}, {"certifications", {"ISO/IEC 27001", "ISO/IEC 27017"}},
                       {"security_requirements", "Data stays in the EU; 24-hour incident notice; annual SOC 2 "
                                                 "report; encryption at rest; exit assistance for 90 days."},
                       {"controls", {"5.19", "5.20", "5.22", "5.23"}}, {"last_review", s.Day(-350)}});
    s.Add("supplier", {{"name", "Fjällmail AB"}, {"services", "E-mail, calendar and office documents."},
                       {"criticality", "high"}, {"information_access", "confidential"}, {"owner", "PER-11"},
                       {"controls", {"5.19", "5.20"}}, {"last_review", s.Day(-200)}});
    s.Add("supplier", {{"name", "Betalnät AB"}, {"services", "Payment file gateway to the Swedish banks."},
                       {"criticality", "critical"}, {"information_access", "personal_data"}, {"owner", "PER-6"},
                       {"controls", {"5.19", "5.20", "5.21"}}, {"last_review", s.Day(-100)}});
    s.Add("supplier", {{"name", "Säker Backup AB"}, {"services", "Offline copies of encrypted backups in a second "
                                                                 "location."},
                       {"criticality", "high"}, {"information_access", "confidential"}, {"owner", "PER-7"},
                       {"controls", {"5.19", "5.20", "8.13"}}, {"review_date", s.Day(12)}});
    s.Add("supplier", {{"name", "Laptop Leasing Norden AB"}, {"services", "Leasing and secure disposal of laptops."},
                       {"criticality", "medium"}, {"information_access", "internal"}, {"owner", "PER-11"},
                       {"controls", {"7.14"}}});
    for (const char* sup : {"SUP-1", "SUP-2", "SUP-3", "SUP-4"}) {
        s.Move("supplier", sup, {"assess"});
        s.Move("supplier", sup, {"approve"});
    }
    s.Move("supplier", "SUP-5", {"assess"});

    asset("Kvarnberg Payroll platform", "service", "PER-3", "confidential", 5, 5, 5,
          {{"description", "The SaaS customers use: payroll calculation, payslips, employer declarations."},
           {"custodian", "PER-7"}, {"location", "Nordlys Cloud eu-north"}, {"personal_data", true},
           {"suppliers", {"SUP-1"}}, {"last_reviewed", s.Day(-150)}});
    asset("Customer payroll database", "information", "PER-3", "restricted", 5, 5, 4,
          {{"description", "Salaries, personal identity numbers and bank accounts of our customers' employees."},
           {"custodian", "PER-7"}, {"location", "Nordlys Cloud eu-north"}, {"personal_data", true},
           {"suppliers", {"SUP-1"}}, {"last_reviewed", s.Day(-150)}});
    asset("HR data of Kvarnberg staff", "information", "PER-5", "confidential", 4, 4, 2,
          {{"location", "HR system (Fjällmail documents)"}, {"personal_data", true}, {"suppliers", {"SUP-2"}},
           {"last_reviewed", s.Day(-380)}});
    asset("Source code repository", "software", "PER-3", "confidential", 4, 5, 3,
          {{"custodian", "PER-8"}, {"last_reviewed", s.Day(-90)}});
    asset("Staff laptops (62)", "hardware", "PER-11", "internal", 3, 3, 2,
          {{"description", "Managed, encrypted laptops leased from Laptop Leasing Norden."},
           {"location", "Stockholm office and home offices"}, {"suppliers", {"SUP-5"}}, {"asset_tag", "LAPTOP-FLEET"},
           {"last_reviewed", s.Day(-200)}});
    asset("Production Kubernetes cluster", "software", "PER-7", "confidential", 4, 5, 5,
          {{"location", "Nordlys Cloud eu-north"}, {"suppliers", {"SUP-1"}}, {"last_reviewed", s.Day(-30)}});
    asset("Encrypted backups", "information", "PER-7", "restricted", 5, 5, 4,
          {{"location", "Nordlys Cloud + Säker Backup"}, {"personal_data", true}, {"suppliers", {"SUP-1", "SUP-4"}},
           {"last_reviewed", s.Day(-358)}});
    asset("Hosting contract with Nordlys Cloud", "information", "PER-6", "confidential", 3, 4, 2,
          {{"description", "Master agreement NC-2023-118 with the data processing agreement and exit terms."},
           {"suppliers", {"SUP-1"}}, {"last_reviewed", s.Day(-120)}});
    asset("Stockholm head office", "site", "PER-2", "internal", 2, 2, 3,
          {{"location", "Kvarnbergsgatan, Stockholm"}, {"last_reviewed", s.Day(-250)}});
    asset("Bank payment-file integration", "service", "PER-6", "restricted", 5, 5, 5,
          {{"suppliers", {"SUP-3"}}, {"personal_data", true}, {"last_reviewed", s.Day(-100)}});
    s.Edit("asset", "AST-1", {{"depends_on", {"AST-2", "AST-6", "AST-10"}}});
    s.Edit("asset", "AST-2", {{"depends_on", {"AST-6", "AST-7"}}});

    // ---- 6.3 Planned changes -------------------------------------------------------------------------
    s.Add("planned_change", {{"title", "Move the last workloads from the Stockholm co-location to Nordlys Cloud"},
                             {"purpose", "One platform to secure and operate; retire ageing hardware."},
                             {"consequences", "Dependence on one supplier grows; the exit plan and backups to a "
                                              "second supplier must be in place first."},
                             {"resources", "Two platform engineers for six weeks."}, {"responsible", "PER-7"},
                             {"approver", "PER-3"}, {"affected_assets", {"AST-1", "AST-6", "AST-7"}},
                             {"planned_date", s.Day(25)}});
    s.Add("planned_change", {{"title", "Single sign-on for every internal system"},
                             {"purpose", "Central control of access and quicker offboarding."},
                             {"consequences", "The identity provider becomes critical; break-glass accounts needed."},
                             {"responsible", "PER-11"}, {"approver", "PER-1"},
                             {"affected_documents", {access}}, {"planned_date", s.Day(90)}});
    s.As("user:maria");
    s.Move("planned_change", "CHG-1", {"approve", "start"});
    s.As("user:anna");

    // ---- 7.1 Resources -------------------------------------------------------------------------------
    s.Add("resource", {{"name", "Information security manager"}, {"resource_type", "people"},
                       {"purpose", "Runs the ISMS."}, {"amount", "1 FTE"}, {"owner", "PER-2"}});
    s.Add("resource", {{"name", "Security budget"}, {"resource_type", "budget"},
                       {"purpose", "Certification audit, penetration test, training."}, {"amount", "SEK 650 000 a year"},
                       {"owner", "PER-6"}, {"period_start", s.Day(-60)}, {"period_end", s.Day(305)}});
    s.Add("resource", {{"name", "Log management service"}, {"resource_type", "tool"},
                       {"purpose", "Central logging and alerting (A.8.15, A.8.16)."}, {"owner", "PER-7"},
                       {"supplier", "SUP-1"}});
    s.Move("resource", "RES-1", {"approve", "provide"});
    s.Move("resource", "RES-2", {"approve", "provide"});

    // ---- 7.2 Competence ------------------------------------------------------------------------------
    s.Add("competence_requirement", {{"title", "ISMS implementation"}, {"role", "ROL-2"},
                                     {"competence", "Can run an ISMS to ISO/IEC 27001: risk assessment, SoA, audit."},
                                     {"level", "expert"}, {"evidence_expected", "Lead implementer certificate"},
                                     {"renewal", "P36M"}});
    s.Add("competence_requirement", {{"title", "Secure coding"}, {"role", "ROL-5"},
                                     {"competence", "Knows the common web vulnerabilities and our secure development "
                                                    "procedure."},
                                     {"level", "practitioner"}, {"evidence_expected", "Yearly course completion"},
                                     {"renewal", "P12M"}});
    s.Move("competence_requirement", "CMP-1", {"approve"});
    s.Move("competence_requirement", "CMP-2", {"approve"});
    s.Add("competence_evidence", {{"title", "ISO/IEC 27001 Lead Implementer"}, {"person", "PER-1"},
                                  {"requirement", "CMP-1"}, {"kind", "certificate"}, {"provider", "Certifieringsinstitutet"},
                                  {"achieved_on", s.Day(-1080)}, {"expires_on", s.Day(20)}, {"verified_by", "PER-2"}});
    s.Add("competence_evidence", {{"title", "Secure coding course"}, {"person", "PER-8"}, {"requirement", "CMP-2"},
                                  {"kind", "training"}, {"achieved_on", s.Day(-200)}, {"expires_on", s.Day(165)},
                                  {"verified_by", "PER-3"}});
    s.Add("competence_evidence", {{"title", "Secure coding course"}, {"person", "PER-13"}, {"requirement", "CMP-2"},
                                  {"kind", "training"}, {"achieved_on", s.Day(-380)}, {"expires_on", s.Day(-15)}});
    s.Move("competence_evidence", "CEV-1", {"verify"});
    s.Move("competence_evidence", "CEV-2", {"verify"});

    // ---- 7.3 Awareness -------------------------------------------------------------------------------
    s.Add("awareness_campaign", {{"title", "Phishing simulation, spring"}, {"topic", "Recognising and reporting phishing."},
                                 {"channel", "phishing_simulation"}, {"owner", "PER-1"}, {"start_date", s.Day(-120)},
                                 {"end_date", s.Day(-110)},
                                 {"effectiveness", "Click rate 14 % (previous 22 %); reports to the security mailbox "
                                                   "doubled."}});
    s.Add("awareness_campaign", {{"title", "Annual security awareness e-learning"},
                                 {"topic", "Policy, acceptable use, phishing, incident reporting, GDPR basics."},
                                 {"channel", "e_learning"}, {"owner", "PER-5"}, {"start_date", s.Day(-15)},
                                 {"end_date", s.Day(45)}, {"related_documents", {policy, aup}}});
    s.Add("awareness_campaign", {{"title", "Secure development workshop"},
                                 {"topic", "Threat modelling the payroll import API."}, {"audience", {"ROL-5"}},
                                 {"channel", "workshop"}, {"owner", "PER-3"}, {"start_date", s.Day(21)}});
    s.Move("awareness_campaign", "AWR-1", {"launch"});
    s.Ack("awareness_campaign", "AWR-1", {"PER-1", "PER-2", "PER-3", "PER-4", "PER-5", "PER-7", "PER-8", "PER-13"});
    s.Move("awareness_campaign", "AWR-1", {"complete"});
    s.Move("awareness_campaign", "AWR-2", {"launch"});
    s.Ack("awareness_campaign", "AWR-2", {"PER-1", "PER-4", "PER-7", "PER-8", "PER-10"});

    // ---- 7.4 Communication ---------------------------------------------------------------------------
    s.Add("communication", {{"subject", "ISMS status report"}, {"audience", "Top management"}, {"timing", "Quarterly"},
                            {"method", "report"}, {"communicator", "PER-1"}, {"next_date", s.Day(9)}});
    s.Add("communication", {{"subject", "Personal data breach notice to customers"}, {"audience", "Affected customers"},
                            {"interested_parties", {"IP-1"}}, {"timing", "Within 24 hours of discovery"},
                            {"method", "email"}, {"communicator", "PER-4"}, {"direction", "external"},
                            {"related_document", "DOC-5"}});
    s.Add("communication", {{"subject", "Security newsletter"}, {"audience", "All staff"}, {"timing", "Monthly"},
                            {"method", "intranet"}, {"communicator", "PER-1"}, {"next_date", s.Day(3)}});
    s.Add("communication", {{"subject", "Trust page and security whitepaper"}, {"audience", "Customers and prospects"},
                            {"interested_parties", {"IP-1"}}, {"timing", "Updated after each certification audit"},
                            {"method", "website"}, {"communicator", "PER-4"}, {"direction", "external"}});
    for (const char* c : {"COM-1", "COM-2", "COM-3", "COM-4"}) s.Move("communication", c, {"activate"});
}

}  // namespace isms::app

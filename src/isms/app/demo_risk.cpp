// The demo organisation's risk assessment and treatment (27001 6.1.2, 6.1.3, 8.2, 8.3), its Statement of
// Applicability with an approved version, and quantitative (FAIR) estimates for the risks management asks
// "how much?" about. Everything goes through the services, as a user's input would.
//
// Links to the demo records (demo_records.cpp): persons PER-1 (Anna Lindqvist, CISO), PER-3 (Maria Holm,
// CTO), PER-5 (Sara Nyström, HR), PER-6 (Lars Bergström, CFO), PER-7 (Fatima Rahimi, platform lead),
// PER-11 (Mikael Öberg, IT support); assets AST-1 … AST-10. Threats and vulnerabilities are ids of the
// built-in library (T01 …, V01 …).
#include <map>

#include "isms/app/demo.hpp"
#include "isms/core/time.hpp"

namespace isms::app {

namespace {

struct DemoRisk {
    const char* title;
    const char* owner;
    std::vector<std::string> assets, threats, vulnerabilities;
    const char* cia;
    int likelihood, consequence;
    // Treatment: option, Annex A controls, plan, residual likelihood/consequence (0 = untreated).
    const char* option;
    std::vector<std::string> controls;
    const char* plan;
    int residual_likelihood, residual_consequence;
};

const std::vector<DemoRisk>& DemoRisks() {
    static const std::vector<DemoRisk> kRisks = {
        {"Payroll data stolen through phished administrator credentials", "PER-3", {"AST-1", "AST-2"}, {"T01", "T05"},
         {"V01", "V06"}, "CI", 3, 5, "modify", {"5.17", "8.5", "6.3", "8.16"},
         "Phishing-resistant MFA for every administrator, quarterly phishing exercises, alerts on unusual sign-ins.",
         3, 4},  // High until break-glass accounts exist: accepted by top management below
        {"Ransomware encrypts the production cluster and its backups", "PER-7", {"AST-6", "AST-7"}, {"T02"},
         {"V07", "V03"}, "IA", 3, 5, "modify", {"8.13", "8.8", "8.7", "5.30"},
         "Immutable off-site backups with monthly restore tests; patching within 14 days; EDR on all nodes.", 2, 3},
        {"Hosting provider outage stops salary payments on payday", "PER-4", {"AST-1", "AST-8"}, {"T21"}, {"V08"}, "A",
         3, 4, "modify", {"5.30", "8.14", "5.23"},
         "Second region with tested fail-over before the 25th of each month; contractual uptime with Nordlys Cloud.",
         2, 3},
        {"A customer's payroll data is sent to the wrong customer", "PER-1", {"AST-2"}, {"T16", "T19"}, {"V15"}, "C", 2,
         4, "modify", {"8.29", "8.28", "8.33"},
         "Tenant-isolation tests in the release pipeline; synthetic data in test environments.", 1, 4},
        {"Secrets leaked from the source code repository", "PER-3", {"AST-4"}, {"T15"}, {"V16"}, "CI", 3, 4, "modify",
         {"8.4", "8.24", "5.17"}, "Secret scanning on every push; all credentials in the vault, rotated on exposure.",
         1, 3},
        {"Tampered build pipeline ships a back door to customers", "PER-7", {"AST-4", "AST-6"}, {"T35", "T11"},
         {"V14"}, "CI", 2, 5, "modify", {"8.25", "8.32", "8.4"},
         "Signed commits and artefacts, two-person review for pipeline changes, pinned dependencies.", 1, 4},
        {"Stolen laptop exposes HR data", "PER-5", {"AST-3", "AST-5"}, {"T29", "T09"}, {"V22"}, "C", 3, 3, "modify",
         {"8.1", "8.24", "7.9"}, "Full-disk encryption enforced by device management; remote wipe.", 2, 1},
        {"Leavers keep access to customer systems", "PER-5", {"AST-1"}, {"T32", "T07"}, {"V05", "V04"}, "CI", 3, 3,
         "modify", {"5.18", "6.5", "5.16"}, "HR system triggers same-day de-provisioning; quarterly access reviews.",
         1, 3},
        {"Bank payment-file integration abused for fraudulent payments", "PER-6", {"AST-10"}, {"T12"}, {"V04"}, "I", 2,
         5, "share", {"5.20", "8.16"},
         "Dual approval of payment files; cyber insurance covering payment fraud; bank-side limits.", 1, 4},
        {"Key platform knowledge held by two engineers", "PER-3", {"AST-6"}, {"T27"}, {"V26"}, "A", 3, 2, "retain", {},
         "Accepted for now: runbooks are being written as part of the continuity work.", 3, 2},
        {"Office water damage", "PER-11", {"AST-9"}, {"T25"}, {"V24"}, "A", 1, 2, "", {}, "", 0, 0},
        {"Breach of GDPR storage limitation for former customers' payroll data", "PER-1", {"AST-2"}, {"T30"}, {"V27"},
         "C", 3, 3, "", {}, "", 0, 0},
    };
    return kRisks;
}

// Annex A decisions that differ from "applicable, implemented": exclusions with their reasons and controls still
// being put in place.
struct DemoDecision {
    const char* control;
    const char* applicability;
    const char* status;
    const char* reason;
};

const std::vector<DemoDecision>& DemoDecisions() {
    static const std::vector<DemoDecision> kDecisions = {
        {"8.30", "not_applicable", "",
         "No development is outsourced: all software is built by Kvarnberg's own engineers (see the scope)."},
        {"7.12", "not_applicable", "",
         "No server rooms or network cabling of our own: production runs at Nordlys Cloud (covered by 5.23) and the "
         "leased office has only Wi-Fi and landlord-owned cabling that carries encrypted traffic."},
        {"7.8", "not_applicable", "",
         "No equipment of our own is sited in data centres; office equipment is covered by 7.9 and 8.1."},
        {"5.7", "applicable", "partial", "Threat intelligence feeds are read ad hoc; a weekly review is planned."},
        {"8.16", "applicable", "partial", "Monitoring covers production; sign-in anomalies are being added (R-1)."},
        {"5.30", "applicable", "planned", "ICT readiness: the second-region fail-over is planned (R-2, R-3)."},
        {"8.14", "applicable", "planned", "Redundancy of the payroll platform across two regions (R-3)."},
        {"8.33", "applicable", "partial", "Synthetic test data is used for new services; old suites still copy data."},
        {"8.29", "applicable", "partial", "Tenant-isolation tests run nightly, not yet on every release (R-4)."},
        {"5.12", "applicable", "partial", "Classification scheme approved; labelling in the document system pending."},
        {"5.13", "applicable", "not_started", "Labelling follows classification (5.12)."},
        {"6.3", "applicable", "partial", "Awareness programme runs; phishing exercises start this quarter (R-1)."},
    };
    return kDecisions;
}

}  // namespace

void SeedDemoRisks(App& app, const std::string& org_id) {
    Context ctx = Context::System(org_id);
    ctx.actor = "user:maria";
    auto& reg = app.risks();
    if (!reg.List(ctx).empty()) return;
    const std::string today = time::Today();
    auto day = [&](int days) {
        return time::FormatDate(*time::ParseDate(today) + std::chrono::days{days});
    };

    std::vector<std::string> ids;
    for (const auto& d : DemoRisks()) {
        risk::RiskInput in;
        in.title = d.title;
        in.owner = d.owner;
        in.assets = d.assets;
        in.threats = d.threats;
        in.vulnerabilities = d.vulnerabilities;
        in.cia = risk::Cia::Parse(d.cia);
        in.likelihood = d.likelihood;
        in.consequence = d.consequence;
        // Reviewed twice a year; the last risk's review slipped (it shows on the dashboard and in `record due`).
        in.review_date = ids.size() + 1 == DemoRisks().size() ? day(-12) : day(180);
        in.note = "Initial assessment in the annual risk workshop";
        auto r = reg.Create(ctx, in);
        ids.push_back(r.id);
        if (*d.option) {
            risk::TreatmentInput t;
            t.option = d.option;
            t.controls = d.controls;
            t.plan = d.plan;
            t.residual_likelihood = d.residual_likelihood;
            t.residual_consequence = d.residual_consequence;
            reg.Treat(ctx, r.id, t);
        }
    }
    // Repeated assessment (8.2): the phishing risk was first scored lower, before the sector's incidents.
    reg.Assess(ctx, ids[0], 4, 5, "Re-assessed after two phishing incidents at Nordic payroll providers");

    // The treatment plan: actions with owners and due dates, some done, one overdue.
    auto action = [&](size_t risk, const char* title, const char* owner, int due, const char* status,
                      const char* control) {
        risk::ActionInput a;
        a.title = title;
        a.owner = owner;
        a.due_date = day(due);
        a.status = status;
        a.control = control;
        reg.AddAction(ctx, ids[risk], a);
    };
    action(0, "Roll out hardware security keys to all administrators", "PER-11", -20, "done", "8.5");
    action(0, "Quarterly phishing exercise for all staff", "PER-1", 40, "in_progress", "6.3");
    action(1, "Immutable off-site backup copy", "PER-7", -45, "done", "8.13");
    action(1, "Monthly restore test with a written report", "PER-7", -3, "open", "8.13");
    action(2, "Fail-over to the second region tested before payday", "PER-7", 60, "in_progress", "5.30");
    action(3, "Tenant-isolation tests on every release", "PER-3", 30, "open", "8.29");
    action(4, "Secret scanning on every push", "PER-7", -10, "done", "8.4");
    action(6, "Enforce disk encryption through device management", "PER-11", -60, "done", "8.24");
    action(7, "Same-day de-provisioning triggered by the HR system", "PER-5", 21, "in_progress", "5.18");

    // Residual risks accepted by their owners (6.1.3 f): the ones the criteria let a risk owner accept.
    for (size_t i : {6u, 7u, 9u}) {
        auto r = reg.Get(ctx, ids[i]);
        risk::AcceptanceInput a;
        a.person = r.owner;
        a.comment = "Residual risk within appetite once the planned actions are done; reviewed in six months.";
        try {
            reg.Accept(ctx, ids[i], a);
        } catch (const Error&) {
            // A level the criteria reserve for top management stays open in the demo, as it would in life.
        }
    }

    // A High residual risk, which the criteria reserve for top management: R-1's owner, Maria Holm (CTO, holder
    // of the top-management role ROL-1), accepts it formally (6.1.3 f). Not caught: the demo must show it.
    {
        risk::AcceptanceInput a;
        a.person = reg.Get(ctx, ids[0]).owner;
        a.comment = "High residual accepted until break-glass accounts exist (Q3)";
        reg.Accept(ctx, ids[0], a);
    }

    // Quantitative estimates (FAIR) for the risks the CFO asks about, in SEK.
    auto estimate = [&](size_t i, Json model) { app.quant().SetEstimate(ctx, ids[i], model); };
    estimate(0, {{"frequency", {{"dist", "pert"}, {"min", 0.1}, {"mode", 0.4}, {"max", 1.5}}},
                 {"magnitude", {{"dist", "lognormal"}, {"low", 300000}, {"high", 9000000}}},
                 {"secondary", {{"probability", 0.3}, {"magnitude", {{"dist", "lognormal"}, {"low", 200000}, {"high", 4000000}}}}},
                 {"treatments", {{{"name", "phishing-resistant MFA"}, {"frequency_factor", 0.25}, {"annual_cost", 180000}}}}});
    estimate(1, {{"frequency", {{"dist", "pert"}, {"min", 0.02}, {"mode", 0.1}, {"max", 0.4}}},
                 {"magnitude", {{"dist", "lognormal"}, {"low", 1000000}, {"high", 25000000}}},
                 {"treatments", {{{"name", "immutable backups and restore tests"}, {"magnitude_factor", 0.3}, {"annual_cost", 240000}}}}});
    estimate(2, {{"frequency", {{"dist", "pert"}, {"min", 0.1}, {"mode", 0.5}, {"max", 2}}},
                 {"magnitude", {{"dist", "lognormal"}, {"low", 150000}, {"high", 3000000}}},
                 {"treatments", {{{"name", "second region"}, {"magnitude_factor", 0.4}, {"annual_cost", 420000}}}}});
    estimate(3, {{"frequency", {{"dist", "triangular"}, {"min", 0.01}, {"mode", 0.05}, {"max", 0.3}}},
                 {"magnitude", {{"dist", "lognormal"}, {"low", 500000}, {"high", 12000000}}}});
    estimate(8, {{"frequency", {{"dist", "poisson"}, {"lambda", 0.2}}},
                 {"magnitude", {{"dist", "pert"}, {"min", 50000}, {"mode", 400000}, {"max", 5000000}}},
                 {"treatments", {{{"name", "dual approval of payment files"}, {"frequency_factor", 0.2}, {"annual_cost", 60000}}}}});

    // One stored simulation of the estimated risks (reproducible: `isms quant reproduce RUN`).
    quant::RunRequest run;
    run.options = quant::QuantService::OptionsFromJson({{"years", 20000}, {"seed", 2026}});
    app.quant().Run(ctx, run);

    // The Statement of Applicability: every Annex A control decided, three excluded with reasons; version 1
    // approved by the CISO, then one decision changed so that the next version has a difference to show.
    auto& soa = app.soa();
    Context ciso = Context::System(org_id);
    ciso.actor = "user:anna";
    std::map<std::string, const DemoDecision*> special;
    for (const auto& d : DemoDecisions()) special[d.control] = &d;
    for (const auto& e : soa.Current(ciso)) {
        soa::DecisionInput in;
        auto it = special.find(e.control_id);
        if (it != special.end() && std::string(it->second->applicability) == "not_applicable") {
            in.applicability = "not_applicable";
            in.exclusion_reason = it->second->reason;
        } else {
            in.applicability = "applicable";
            in.inclusion_reason = it != special.end()
                                      ? std::string("Required to meet the ISMS objectives; ") + it->second->reason
                                      : std::string("Needed for the payroll service's customer commitments and "
                                                    "the risks in the register; in place.");
            in.status = it != special.end() ? it->second->status : "implemented";
            in.owner = e.control_id.rfind("8.", 0) == 0 ? "PER-7" : e.control_id.rfind("6.", 0) == 0 ? "PER-5" : "PER-1";
        }
        soa.Decide(ciso, e.control_id, in);
    }
    soa.Approve(ciso, {"Approved by the CISO after the annual risk workshop", ""});
    soa::DecisionInput later;
    later.status = "implemented";
    later.notes = "Weekly threat-intelligence review started.";
    soa.Decide(ciso, "5.7", later);
}

}  // namespace isms::app

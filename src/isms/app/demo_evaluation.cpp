// The demo organisation's performance evaluation and improvement (27001 9.1–10.2): a year of measurements of
// six metrics, the procedures for risk and audit, an audit programme, one internal audit with its checklist, findings, nonconformities and corrective actions (one
// closed after an effective check, one in progress, one overdue), the continual-improvement register and one
// management review compiled at today's cut-off with its decisions recorded. Everything goes through the
// services, as a user's input would, so every rule of the evaluation types holds for the demo too.
//
// Ids: metrics MET-1 … MET-6, programme APG-1, audit AUD-1, findings FND-1 … FND-4, nonconformities NC-1,
// NC-2, corrective actions CA-1 … CA-3, improvements IMP-1 …, management review MR-1.
#include <cmath>

#include "isms/app/demo.hpp"
#include "isms/app/demo_seeder.hpp"

namespace isms::app {

namespace {

// Monthly values for the last `n` months, oldest first: a line from `from` to `to` with a small wobble.
std::vector<double> Line(int n, double from, double to, double wobble) {
    std::vector<double> v;
    for (int i = 0; i < n; ++i) {
        double t = n == 1 ? 1 : static_cast<double>(i) / (n - 1);
        double x = from + (to - from) * t + wobble * std::sin(i * 1.7);
        v.push_back(std::round(x * 10) / 10);
    }
    return v;
}

}  // namespace

void SeedDemoEvaluation(App& app, const std::string& org_id) {
    RecordSeeder s(app, org_id);
    const Context& ctx = s.ctx();

    // ---- Procedures the readiness check looks for (6.1.2, 6.1.3, 8.2, 8.3, 9.2) ----------------------------
    std::string risk_proc = s.Add("document", {{"identifier", "PRO-003"},
                                               {"title", "Risk management procedure"},
                                               {"kind", "procedure"},
                                               {"owner", "PER-1"},
                                               {"approver", "PER-2"},
                                               {"clauses", {"6.1.2", "6.1.3", "8.2", "8.3"}},
                                               {"summary", "Risk criteria, the 5 × 5 method, acceptance by risk "
                                                           "owners and top management, treatment options and the "
                                                           "yearly reassessment."}});
    std::string audit_proc = s.Add("document", {{"identifier", "PRO-004"},
                                                {"title", "Internal audit procedure"},
                                                {"kind", "procedure"},
                                                {"owner", "PER-1"},
                                                {"approver", "PER-2"},
                                                {"clauses", {"9.2"}},
                                                {"summary", "Audit programme, auditor independence, checklists, "
                                                            "grading of findings and reporting to top management."}});
    for (const auto& d : {risk_proc, audit_proc}) {
        s.Move("document", d, {"submit"});
        s.As("user:erik");
        s.Move("document", d, {"approve", "publish"});
        s.As("user:anna");
    }

    // ---- 9.1 Metrics and a year of measurements -------------------------------------------------------------
    struct Metric {
        const char *name, *measured, *method, *unit, *direction;
        double target, warning, lo, hi;
        const char *frequency, *measured_by;
        std::vector<std::string> objectives, controls;
        std::vector<double> values;  // oldest first, one per period
    };
    std::vector<Metric> metrics = {
        {"Critical patches applied within 14 days", "Share of critical security patches applied to production "
                                                    "within 14 days of release.",
         "Monthly export of the patch tracker: patched in time / released, per month.", "%", "higher_is_better", 95, 90,
         0, 100, "P1M", "PER-7", {}, {"8.8"}, Line(12, 81, 97, 1.5)},
        {"Phishing simulation click rate", "Share of staff who clicked the link in the quarterly phishing simulation.",
         "Quarterly simulation by the awareness provider; clicks / recipients.", "%", "lower_is_better", 5, 8, 0, 100,
         "P3M", "PER-1", {"OBJ-2"}, {"6.3"}, {14, 11, 8.5, 6.5}},
        {"Awareness training completion", "Share of active staff who completed the annual e-learning.",
         "Completion list of the e-learning platform on the last day of the month.", "%", "higher_is_better", 95, 85,
         0, 100, "P1M", "PER-5", {"OBJ-2"}, {"6.3"}, Line(12, 35, 88, 2)},
        {"Restore test within four hours", "Hours a full restore of the payroll platform from offline backup takes "
                                           "in the monthly test.",
         "Restore test report: start to service verified.", "hours", "lower_is_better", 4, 6, 0, 48, "P1M", "PER-7",
         {"OBJ-3"}, {"8.13"}, Line(12, 7.5, 3.6, 0.4)},
        {"Access reviews completed on time", "Share of systems whose access review was completed in the quarter.",
         "Access review tickets closed in the quarter / systems in scope.", "%", "higher_is_better", 100, 90, 0, 100,
         "P3M", "PER-7", {}, {"5.18"}, {60, 70, 75, 95}},
        {"Certification readiness score", "The overall score of isms readiness.",
         "Monthly run of `isms readiness --format json` by the CI job; the score field.", "%", "higher_is_better", 90,
         75, 0, 100, "P1M", "PER-1", {"OBJ-1"}, {}, Line(12, 30, 72, 1)},
    };
    for (const auto& m : metrics) {
        Json data = {{"name", m.name},       {"measured_item", m.measured}, {"method", m.method},
                     {"unit", m.unit},       {"direction", m.direction},    {"target", m.target},
                     {"warning", m.warning}, {"min_value", m.lo},           {"max_value", m.hi},
                     {"frequency", m.frequency}, {"measured_by", m.measured_by}, {"analysed_by", "PER-1"}};
        if (!m.objectives.empty()) data["objectives"] = m.objectives;
        if (!m.controls.empty()) data["controls"] = m.controls;
        std::string id = s.Add("metric", data);
        s.Move("metric", id, {"activate"});
        int step = std::string(m.frequency) == "P3M" ? 3 : 1;
        std::vector<evaluation::MeasurementInput> series;
        for (size_t i = 0; i < m.values.size(); ++i) {
            evaluation::MeasurementInput in;
            in.date = s.MonthEnd(static_cast<int>((m.values.size() - i) * step) - step + 1);
            in.value = m.values[i];
            series.push_back(in);
        }
        app.metrics().Record(ctx, id, series, std::string(m.measured_by) == "PER-1" ? "manual" : "csv");
    }

    // ---- 9.2 Audit programme and one internal audit -------------------------------------------------------
    s.Add("audit_programme",
          {{"title", "Internal audit programme 2026–2028"},
           {"period_start", s.Day(-200)},
           {"period_end", s.Day(895)},
           {"objectives", "Cover every clause of ISO/IEC 27001 and every applicable Annex A control over three "
                          "years, with the payroll platform and access control every year."},
           {"frequency_and_methods", "Two audits a year: spring (clauses 4–10 and access control), autumn (a "
                                     "theme of Annex A). Interviews, sampling of records, technical checks."},
           {"responsibilities", "The CISO manages the programme; audits are led by the external internal auditor "
                                "(Revisionsbyrån) with a trained member of staff from another department."},
           {"reporting", "Report to the CISO and top management within two weeks; findings tracked in isms."},
           {"owner", "PER-1"},
           {"approver", "PER-2"}});
    s.As("user:erik");
    s.Move("audit_programme", "APG-1", {"approve"});
    s.As("user:sara");
    std::string audit = s.Add(
        "audit",
        {{"title", "ISMS audit: clauses 4–10 and access control"},
         {"programme", "APG-1"},
         {"objective", "Determine whether the ISMS conforms to ISO/IEC 27001 and our own requirements, and whether "
                       "access control on the payroll platform is effective, before the stage 1 audit."},
         {"scope", "Kvarnberg Cloud AB's ISMS at the Stockholm head office and the payroll platform in the "
                   "eu-north region; records of the last 12 months."},
         {"criteria", "ISO/IEC 27001:2022 clauses 4–10; the access control policy POL-003; the SoA."},
         // Not 9.2: the lead auditor's role runs the internal audit process, and nobody audits their own area.
         {"clauses", {"4", "5", "6", "7", "8", "9.1", "9.3", "10"}},
         {"controls", {"5.15", "5.18", "8.2", "8.5", "8.8", "8.13", "8.15"}},
         {"processes", {"context", "leadership", "risk_assessment", "risk_treatment", "statement_of_applicability",
                        "objectives", "documented_information", "awareness", "monitoring_measurement",
                        "management_review", "improvement", "operations"}},
         {"lead_auditor", "PER-12"},
         {"auditors", {"PER-5"}},
         {"auditees", {"PER-1", "PER-7", "PER-2"}},
         {"independence", "The lead auditor is external; as he runs the audit programme, clause 9.2 is not in this "
                          "audit's scope. The HR manager audits no process her role is responsible for. Neither owns "
                          "a control in scope."},
         {"planned_start", s.Day(-42)},
         {"planned_end", s.Day(-35)},
         {"actual_start", s.Day(-40)}});
    s.Move("audit", audit, {"start"});
    app.audits().Generate(ctx, audit);

    auto finding = [&](Json data) {
        data["audit"] = audit;
        return s.Add("audit_finding", data);
    };
    std::string f1 = finding({{"title", "Access reviews missed for two quarters"},
                              {"kind", "minor_nonconformity"},
                              {"control", "5.18"},
                              {"requirement", "POL-003 asks for a review of access rights to every system each "
                                              "quarter."},
                              {"description", "No access review was done for the HR and billing systems in two of the "
                                              "last four quarters (MET-5 at 60 % and 70 %)."},
                              {"evidence", "Access review tickets of the last 12 months; MET-5; interview with the "
                                           "platform engineering lead."},
                              {"auditee", "PER-7"},
                              {"raised_on", s.Day(-39)}});
    std::string f2 = finding({{"title", "Cryptography policy past its review date"},
                              {"kind", "minor_nonconformity"},
                              {"clause", "7.5.2"},
                              {"control", "5.1"},
                              {"requirement", "Documents are reviewed at the interval the register gives them."},
                              {"description", "POL-005 was due for review a month ago; no review is planned."},
                              {"evidence", "Document register (isms record due)."},
                              {"auditee", "PER-1"},
                              {"raised_on", s.Day(-38)}});
    std::string f3 = finding({{"title", "Phishing click rate above target"},
                              {"kind", "observation"},
                              {"clause", "9.1"},
                              {"description", "The click rate improves each quarter but is still above the 5 % "
                                              "target."},
                              {"evidence", "MET-2 and the simulation reports."},
                              {"raised_on", s.Day(-38)}});
    std::string f4 = finding({{"title", "Use the simulation results to target awareness"},
                              {"kind", "opportunity_for_improvement"},
                              {"clause", "7.3"},
                              {"description", "Teams with the highest click rates could get a short, targeted "
                                              "session instead of the generic e-learning."},
                              {"raised_on", s.Day(-37)}});
    // Answers for part of the checklist.
    for (const auto& item : app.audits().Checklist(ctx, audit)) {
        evaluation::ChecklistEdit e;
        if (item.ref == "5.18") {
            e.result = "nonconforming";
            e.finding = f1;
            e.evidence = "Access review tickets, MET-5.";
        } else if (item.ref == "7.5.2") {
            e.result = "nonconforming";
            e.finding = f2;
            e.evidence = "Document register.";
        } else if (item.ref == "9.1") {
            e.result = "observation";
            e.finding = f3;
            e.evidence = "Metrics MET-1 … MET-6 with a year of measurements.";
        } else if (item.ref == "4.3" || item.ref == "5.2" || item.ref == "6.1.2" || item.ref == "8.5" ||
                   item.ref == "8.13") {
            e.result = "conforming";
            e.evidence = item.ref == "8.13" ? "Restore test reports of the last 12 months (MET-4)."
                                            : "Approved documents and records in isms; interviews.";
        } else {
            continue;
        }
        app.audits().EditItem(ctx, audit, item.id, e);
    }
    s.Edit("audit", audit, {{"actual_end", s.Day(-36)}});
    s.Move("audit", audit, {"report"});
    s.Edit("audit", audit,
           {{"conclusion", "The ISMS largely conforms and is ready for the stage 1 audit once the two minor "
                           "nonconformities are corrected. Access control on the payroll platform is effective; the "
                           "review of access rights is not yet reliable."},
            {"report_date", s.Day(-30)}});
    s.Move("audit", audit, {"complete"});
    s.As("user:anna");

    // ---- 10.2 Nonconformities and corrective actions -------------------------------------------------------
    auto nc1 = app.audits().RaiseNonconformity(ctx, f1, {{"owner", "PER-7"}, {"due_date", s.Day(30)}}).id;
    s.Edit("nonconformity", nc1,
           {{"correction", "The two missed reviews were done at once; three stale accounts were removed."},
            {"root_cause", "Reviews depended on one person's calendar; no reminder or escalation."},
            {"similar", "Checked the other quarterly tasks: supplier reviews have the same weakness (see IMP)."}});
    s.Move("nonconformity", nc1, {"analyse"});
    std::string ca1 = s.Add("corrective_action",
                            {{"title", "Quarterly access reviews as scheduled tickets with escalation"},
                             {"nonconformity", nc1},
                             {"description", "A ticket per system each quarter, assigned to the system owner, "
                                             "escalated to the CISO after 14 days."},
                             {"owner", "PER-7"},
                             {"due_date", s.Day(-15)}});
    s.Move("corrective_action", ca1, {"start"});
    s.Edit("corrective_action", ca1, {{"implemented_on", s.Day(-25)}});
    s.Move("corrective_action", ca1, {"implement"});
    s.Edit("corrective_action", ca1,
           {{"effectiveness_check", "The tickets were created on the first day of the quarter and all systems were "
                                    "reviewed in time (MET-5: 95 %)."},
            {"effectiveness_result", "effective"},
            {"effectiveness_checked_by", "PER-1"},
            {"effectiveness_checked_on", s.Day(-5)}});
    s.Move("corrective_action", ca1, {"close"});
    s.Edit("nonconformity", nc1, {{"closed_on", s.Day(-4)}});
    s.Move("nonconformity", nc1, {"close"});
    s.As("user:sara");
    s.Move("audit_finding", f1, {"close"});
    s.As("user:anna");

    auto nc2 = app.audits().RaiseNonconformity(ctx, f2, {{"owner", "PER-1"}, {"due_date", s.Day(20)}}).id;
    s.Edit("nonconformity", nc2,
           {{"correction", "The cryptography policy's review is scheduled with its owner."},
            {"root_cause", "Nobody is told when a document becomes due."}});
    s.Move("nonconformity", nc2, {"analyse"});
    std::string ca2 = s.Add("corrective_action", {{"title", "Review and republish the cryptography policy"},
                                                  {"nonconformity", nc2},
                                                  {"description", "Review POL-005 with the platform team and publish "
                                                                  "the new revision."},
                                                  {"owner", "PER-7"},
                                                  {"due_date", s.Day(14)}});
    s.Move("corrective_action", ca2, {"start"});
    s.Add("corrective_action", {{"title", "Weekly digest of documents due for review"},
                                {"nonconformity", nc2},
                                {"description", "Send document owners a weekly list from isms record due."},
                                {"owner", "PER-11"},
                                {"due_date", s.Day(-3)}});  // overdue: shows in isms record due

    // ---- 10.1 The continual-improvement register --------------------------------------------------------
    std::string imp1 = s.Add("improvement", {{"title", "Targeted phishing sessions for the teams most at risk"},
                                             {"description", "Short sessions for the three teams with the highest "
                                                             "click rates after each simulation."},
                                             {"source", "internal_audit"},
                                             {"finding", f4},
                                             {"owner", "PER-5"},
                                             {"due_date", s.Day(60)},
                                             {"expected_benefit", "Click rate below 5 % (MET-2)."}});
    s.Move("improvement", imp1, {"start"});
    std::string imp2 = s.Add("improvement", {{"title", "Password manager for all staff"},
                                             {"description", "Roll out the company password manager to everyone."},
                                             {"source", "suggestion"},
                                             {"owner", "PER-11"},
                                             {"due_date", s.Day(-70)}});
    s.Move("improvement", imp2, {"start"});
    s.Edit("improvement", imp2, {{"completed_on", s.Day(-60)}, {"outcome", "Rolled out to 58 of 60 people."}});
    s.Move("improvement", imp2, {"complete"});
    s.As("user:sara");
    s.Move("audit_finding", f4, {"close"});
    s.Move("audit_finding", f3, {"close"});
    s.As("user:anna");

    // ---- 9.3 The management review -------------------------------------------------------------------------
    std::string mr = s.Add("management_review",
                           {{"title", "Management review before certification"},
                            {"meeting_date", s.Day(0)},
                            {"cut_off", s.Day(0)},
                            {"chair", "PER-2"},
                            {"attendees", {"PER-1", "PER-2", "PER-3", "PER-6"}},
                            {"agenda", "Inputs of the pack (9.3.2), readiness for the stage 1 audit, decisions."},
                            {"interested_party_feedback", "Two customers asked for the certificate date in their "
                                                          "renewals; the bank partner's audit found nothing."}});
    app.reviews().Compile(ctx, mr, kDemoOrgName);
    s.Edit("management_review", mr,
           {{"minutes", "The pack was reviewed section by section. Access reviews are back on track; the click rate "
                        "is improving; the restore test meets the four-hour objective."}});
    s.Move("management_review", mr, {"hold"});
    app.reviews().AddOutput(ctx, mr,
                            {{"title", "Automate the quarterly access reviews in the identity provider"},
                             {"description", "Replace ticket-based reviews with the identity provider's access "
                                             "certification for every system."},
                             {"kind", "change_to_isms"},
                             {"owner", "PER-7"},
                             {"due_date", s.Day(120)}});
    app.reviews().AddOutput(ctx, mr,
                            {{"title", "Budget a second internal auditor"},
                             {"description", "Train a second member of staff as internal auditor for the autumn "
                                             "audit."},
                             {"kind", "resource_need"},
                             {"owner", "PER-6"},
                             {"due_date", s.Day(90)}});
    s.Edit("management_review", mr,
           {{"conclusions", "The ISMS is suitable, adequate and effective for the stage 1 audit. Top management "
                            "approves the two decisions above."}});
    s.As("user:erik");
    s.Move("management_review", mr, {"approve"});
}

}  // namespace isms::app

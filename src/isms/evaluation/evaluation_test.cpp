// Metrics and measurements, the rules of the evaluation record types, audit checklists and independence.
#include <gtest/gtest.h>

#include <set>

#include "isms/evaluation/test_fixture.hpp"
#include "isms/io/pdf_for_tests.hpp"

namespace isms::evaluation {
namespace {

using store::V;
using testing_support::EvaluationTest;

MetricSpec Spec(bool higher, double target, std::optional<double> warning) {
    MetricSpec m;
    m.id = "MET-1";
    m.unit = "%";
    m.higher_is_better = higher;
    m.target = target;
    m.warning = warning;
    m.min_value = 0;
    m.max_value = 100;
    return m;
}

std::vector<Measurement> Series(std::vector<double> values) {
    std::vector<Measurement> out;
    for (size_t i = 0; i < values.size(); ++i)
        out.push_back({"MET-1", fmt::format("2026-{:02}-28", i + 1), values[i], "", "", "", ""});
    return out;
}

TEST(MetricRulesTest, StatusComparesTheLatestValueWithTargetAndWarning) {
    auto up = Spec(true, 95, 90);
    EXPECT_EQ(StatusOf(up, std::nullopt), "no_data");
    EXPECT_EQ(StatusOf(up, 95), "on_target");
    EXPECT_EQ(StatusOf(up, 92), "warning");
    EXPECT_EQ(StatusOf(up, 89.9), "off_target");
    auto down = Spec(false, 5, 8);
    EXPECT_EQ(StatusOf(down, 4), "on_target");
    EXPECT_EQ(StatusOf(down, 7), "warning");
    EXPECT_EQ(StatusOf(down, 9), "off_target");
    // Without a threshold any miss is off target.
    EXPECT_EQ(StatusOf(Spec(true, 95, std::nullopt), 94), "off_target");
}

TEST(MetricRulesTest, TrendFollowsTheMetricsDirection) {
    auto up = Spec(true, 95, 90), down = Spec(false, 5, 8);
    EXPECT_EQ(TrendOf(up, Series({80, 85})).direction, "insufficient_data");
    EXPECT_EQ(TrendOf(up, Series({80, 85, 90})).direction, "improving");
    EXPECT_EQ(TrendOf(down, Series({80, 85, 90})).direction, "worsening");
    EXPECT_EQ(TrendOf(up, Series({90, 90.2, 89.9, 90})).direction, "stable");
    // Only the last six measurements count: an old dip does not make a flat recent series improve.
    auto t = TrendOf(up, Series({10, 20, 90, 90, 90, 90, 90, 90}));
    EXPECT_EQ(t.direction, "stable");
    EXPECT_EQ(t.points, 6);
}

TEST(MetricRulesTest, BadMeasurementsNameTheirField) {
    auto m = Spec(true, 95, 90);
    MeasurementInput in;
    in.value = 101;
    in.unit = "ms";
    in.date = "2999-01-01";
    auto problems = CheckMeasurement(m, in, "2026-06-01");
    ASSERT_EQ(problems.size(), 3u);
    std::map<std::string, std::string> by;
    for (const auto& p : problems) by[p.field] = p.message;
    EXPECT_NE(by["value"].find("outside the allowed range"), std::string::npos) << by["value"];
    EXPECT_NE(by["unit"].find("measured in '%', not 'ms'"), std::string::npos) << by["unit"];
    EXPECT_NE(by["date"].find("future"), std::string::npos) << by["date"];
    in = {};
    in.value = 50;
    in.unit = "%";
    EXPECT_TRUE(CheckMeasurement(m, in, "2026-06-01").empty());
    in.value.reset();
    EXPECT_EQ(CheckMeasurement(m, in, "2026-06-01")[0].field, "value");
}

TEST_P(EvaluationTest, MeasurementsUpdateTheMetricAndReplaceTheSameDate) {
    std::string id = Metric();
    MeasurementInput a, b;
    a.date = Day(-40);
    a.value = 80;
    b.date = Day(-10);
    b.value = 92;
    metrics_->Record(ctx_, id, {a, b}, "manual");
    auto rec = records_->Get(ctx_, "metric", id);
    EXPECT_EQ(rec.data["last_measured"], Day(-10));
    EXPECT_EQ(rec.data["latest_value"], 92);
    EXPECT_EQ(rec.data["status"], "warning");
    // Next due: last measurement + the monthly frequency.
    EXPECT_EQ(rec.next_review, time::FormatDate(records::AddPeriod(*time::ParseDate(Day(-10)), *records::ParsePeriod("P1M"))));
    // The same date again replaces the value.
    b.value = 97;
    metrics_->Record(ctx_, id, {b}, "api");
    auto s = metrics_->Summary(ctx_, id);
    ASSERT_EQ(s.series.size(), 2u);
    EXPECT_EQ(s.latest->value, 97);
    EXPECT_EQ(s.latest->source, "api");
    EXPECT_EQ(s.status, "on_target");
    // Removing the latest falls back to the one before.
    metrics_->Remove(ctx_, id, Day(-10));
    EXPECT_EQ(records_->Get(ctx_, "metric", id).data["latest_value"], 80);
    EXPECT_EQ(Catch([&] { metrics_->Remove(ctx_, id, Day(-10)); }).code(), ErrorCode::kNotFound);
}

TEST_P(EvaluationTest, BadMeasurementsAreRejectedAndNothingIsStored) {
    std::string id = Metric();
    MeasurementInput good, bad;
    good.date = Day(-3);
    good.value = 90;
    bad.date = Day(-2);
    bad.value = 120;
    bad.unit = "hours";
    auto e = Catch([&] { metrics_->Record(ctx_, id, {good, bad}, "api"); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
    EXPECT_NE(Problem(e, "items[1].value").find("outside the allowed range"), std::string::npos) << e.what();
    EXPECT_NE(Problem(e, "items[1].unit").find("not 'hours'"), std::string::npos) << e.what();
    // The summary counts the problems it lists.
    EXPECT_EQ(e.details().size(), 2u);
    EXPECT_NE(std::string(e.what()).find("no measurement was recorded (2 problems)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(and 1 more problem)"), std::string::npos) << e.what();
    EXPECT_TRUE(metrics_->Series(ctx_, id).empty());
    EXPECT_FALSE(records_->Get(ctx_, "metric", id).data.contains("last_measured"));
    // A retired metric takes none; an unknown one does not exist; other organisations' metrics are invisible.
    Move("metric", id, {"retire"});
    EXPECT_EQ(Catch([&] { metrics_->Record(ctx_, id, {good}, "api"); }).code(), ErrorCode::kConflict);
    EXPECT_EQ(Catch([&] { metrics_->Record(ctx_, "MET-99", {good}, "api"); }).code(), ErrorCode::kNotFound);
    Context other = ctx_;
    other.org_id = "o2";
    EXPECT_EQ(Catch([&] { metrics_->Summary(other, id); }).code(), ErrorCode::kNotFound);
    // Viewers read but do not record.
    Context viewer = ctx_;
    viewer.role = Role::kViewer;
    Move("metric", id, {"reactivate"});
    EXPECT_EQ(Catch([&] { metrics_->Record(viewer, id, {good}, "api"); }).code(), ErrorCode::kForbidden);
}

TEST_P(EvaluationTest, MetricFieldsSetFromMeasurementsCannotBeEditedAndMeasuredMetricsCannotBeDeleted) {
    std::string id = Metric();
    auto e = Catch([&] { Edit("metric", id, {{"status", "on_target"}}); });
    EXPECT_NE(Problem(e, "status").find("set from the measurements"), std::string::npos) << e.what();
    e = Catch([&] { Edit("metric", id, {{"warning", 97}}); });
    EXPECT_NE(Problem(e, "warning").find("at or below"), std::string::npos) << e.what();
    e = Catch([&] { Add("metric", {{"name", "x"}, {"measured_item", "x"}, {"method", "x"}, {"unit", "%"},
                                   {"target", 5}, {"min_value", 10}, {"max_value", 1}, {"measured_by", "PER-1"},
                                   {"analysed_by", "PER-1"}}); });
    EXPECT_FALSE(Problem(e, "min_value").empty()) << e.what();
    MeasurementInput m;
    m.value = 93;
    metrics_->Record(ctx_, id, {m}, "manual");
    e = Catch([&] { records_->Delete(ctx_, "metric", id); });
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
    EXPECT_NE(std::string(e.what()).find("measurement_series"), std::string::npos) << e.what();
}

TEST_P(EvaluationTest, CsvImportIsAllOrNothingAndNamesEveryBadLine) {
    std::string a = Metric(), b = Metric({{"name", "Restore hours"}, {"unit", "hours"}, {"direction", "lower_is_better"},
                                          {"target", 4}, {"warning", 6}, {"max_value", 48}});
    std::string csv = "metric,date,value,unit\n" + a + "," + Day(-60) + ",91,%\n" + b + "," + Day(-60) + ",5,hours\n" + a +
                      "," + Day(-30) + ",abc,%\n" + b + "," + Day(-30) + ",3,%\n";
    auto e = Catch([&] { metrics_->ImportCsv(ctx_, "", csv); });
    ASSERT_EQ(e.code(), ErrorCode::kInvalidInput);
    ASSERT_EQ(e.details().size(), 2u) << e.what();
    EXPECT_EQ(e.details()[0].line, 4);
    EXPECT_EQ(e.details()[0].field, "value");
    EXPECT_EQ(e.details()[1].line, 5);
    EXPECT_EQ(e.details()[1].field, "unit");
    EXPECT_TRUE(metrics_->Series(ctx_, a).empty());
    // Fixed, both metrics are imported in one go; a decimal comma is read too.
    csv = "metric,date,value,unit,note\n" + a + "," + Day(-60) + ",91,%,\n" + b + "," + Day(-60) + ",\"5,5\",hours,x\n" +
          a + "," + Day(-30) + ",96,%,\n";
    EXPECT_EQ(metrics_->ImportCsv(ctx_, "", csv).size(), 3u);
    EXPECT_EQ(metrics_->Summary(ctx_, b).latest->value, 5.5);
    EXPECT_EQ(metrics_->Summary(ctx_, a).status, "on_target");
    // Into one metric: no metric column needed; another metric's row is refused.
    EXPECT_EQ(metrics_->ImportCsv(ctx_, b, "date,value\n" + Day(-1) + ",3\n").size(), 1u);
    e = Catch([&] { metrics_->ImportCsv(ctx_, b, "metric,date,value\n" + a + "," + Day(-1) + ",3\n"); });
    EXPECT_EQ(e.details()[0].field, "metric");
    e = Catch([&] { metrics_->ImportCsv(ctx_, b, "when,value\n2026-01-01,3\n"); });
    EXPECT_EQ(Problem(e, "when"), "unknown column 'when'") << e.what();
    EXPECT_EQ(Problem(e, "date"), "the header needs a 'date' column") << e.what();
}

TEST_P(EvaluationTest, ChartsDrawTheSeriesAndTheTarget) {
    std::string id = Metric();
    std::vector<MeasurementInput> in(3);
    for (int i = 0; i < 3; ++i) {
        in[i].date = Day(-30 * (3 - i));
        in[i].value = 85 + 4 * i;
    }
    metrics_->Record(ctx_, id, in, "manual");
    std::string svg = MetricChartSvg(metrics_->Summary(ctx_, id), false);
    EXPECT_EQ(svg.rfind("<svg", 0), 0u);
    EXPECT_NE(svg.find("Patch latency"), std::string::npos);
    EXPECT_NE(svg.find("target"), std::string::npos);
    EXPECT_EQ(svg.find("<script"), std::string::npos);
    // The x axis is labelled with dates: the first measurement's day is the first tick.
    EXPECT_NE(svg.find(">" + Day(-90) + "<"), std::string::npos) << svg;
    std::string spark = MetricChartSvg(metrics_->Summary(ctx_, id), true);
    EXPECT_NE(spark.find("width=\"160\""), std::string::npos);
}

// ---- Audits -----------------------------------------------------------------------------------------------

TEST_P(EvaluationTest, AnAuditorMayNotAuditTheirOwnArea) {
    // An auditee on the team.
    auto e = Catch([&] { Audit({{"auditors", {"PER-3"}}}); });
    EXPECT_NE(Problem(e, "auditors").find("also an auditee"), std::string::npos) << e.what();
    // A lead auditor whose role is responsible for a process in scope.
    e = Catch([&] { Audit({{"lead_auditor", "PER-1"}, {"processes", {"monitoring_measurement", "objectives"}}}); });
    EXPECT_NE(Problem(e, "lead_auditor").find("responsible for the process 'monitoring_measurement'"), std::string::npos)
        << e.what();
    // The clauses in scope bring their processes, whether or not the audit lists them: the ISMS manager may not
    // audit the risk assessment (6.1.2) or the SoA (6.1.3) that her role runs.
    e = Catch([&] { Audit({{"lead_auditor", "PER-1"}, {"clauses", {"6.1.2", "6.1.3"}}}); });
    std::set<std::string> reasons;
    for (const auto& d : e.details())
        if (d.field == "lead_auditor") reasons.insert(d.message);
    EXPECT_EQ(reasons.size(), 2u) << e.what();
    EXPECT_TRUE(
        reasons.count("PER-1 may not audit this: their ISMS role ROL-1 (Information security manager) is "
                      "responsible for the process 'risk_assessment' in scope (through clause 6.1.2)"))
        << e.what();
    EXPECT_TRUE(
        reasons.count("PER-1 may not audit this: their ISMS role ROL-1 (Information security manager) is "
                      "accountable for the process 'statement_of_applicability' in scope (through clause "
                      "6.1.3)"))
        << e.what();
    // A whole clause brings its subclauses: 6 covers 6.1.2 too.
    e = Catch([&] { Audit({{"lead_auditor", "PER-1"}, {"clauses", {"6"}}}); });
    EXPECT_NE(Problem(e, "lead_auditor").find("'risk_assessment' in scope (through clause 6.1.1, 6.1.2)"),
              std::string::npos)
        << e.what();
    // Clauses her role has nothing to do with are hers to audit.
    std::string other = Audit({{"lead_auditor", "PER-1"}, {"auditees", {"PER-2"}}, {"clauses", {"7.4", "5.2"}}});
    EXPECT_TRUE(audits_->Independence(ctx_, other).ok());
    // The owner of a control in scope in the SoA.
    soa::DecisionInput d;
    d.applicability = "applicable";
    d.inclusion_reason = "baseline";
    d.owner = "PER-2";
    soa_->Decide(ctx_, "8.15", d);
    e = Catch([&] { Audit({{"controls", {"8.15"}}}); });
    EXPECT_NE(Problem(e, "lead_auditor").find("own control 8.15"), std::string::npos) << e.what();
    e = Catch([&] { Audit({{"all_applicable_controls", true}}); });
    EXPECT_NE(Problem(e, "lead_auditor").find("8.15"), std::string::npos) << e.what();
    // Independent: accepted; a later edit that breaks independence is refused.
    std::string id = Audit({{"controls", {"8.16"}}, {"processes", {"objectives"}}});
    EXPECT_TRUE(audits_->Independence(ctx_, id).ok());
    e = Catch([&] { Edit("audit", id, {{"auditees", {"PER-2"}}}); });
    EXPECT_FALSE(Problem(e, "lead_auditor").empty()) << e.what();
    // Unknown clauses are named with the allowed ones.
    e = Catch([&] { Audit({{"clauses", {"9", "11.4"}}}); });
    EXPECT_NE(Problem(e, "clauses").find("'11.4'"), std::string::npos) << e.what();
}

TEST_P(EvaluationTest, ChecklistComesFromClausesAndApplicableControlsAndKeepsAnswers) {
    soa::DecisionInput yes, no;
    yes.applicability = "applicable";
    yes.inclusion_reason = "baseline";
    yes.status = "implemented";
    yes.notes = "Central log service";
    no.applicability = "not_applicable";
    no.exclusion_reason = "no development";
    soa_->Decide(ctx_, "8.15", yes);
    soa_->Decide(ctx_, "8.25", no);
    std::string id = Audit({{"controls", {"8.15", "8.25"}}});
    Move("audit", id, {"start"});
    auto gen = audits_->Generate(ctx_, id);
    std::vector<std::string> refs;
    for (const auto& i : gen.items) refs.push_back(i.ref);
    EXPECT_EQ(refs, (std::vector<std::string>{"9.1", "9.2.1", "9.2.2", "9.3.1", "9.3.2", "9.3.3", "8.15"}));
    EXPECT_EQ(gen.skipped_controls, std::vector<std::string>{"8.25 (not_applicable)"});
    EXPECT_NE(gen.items[2].expected_evidence.find("audit programme implementation"), std::string::npos);
    EXPECT_NE(gen.items.back().expected_evidence.find("Central log service"), std::string::npos);
    EXPECT_FALSE(gen.items[0].question.empty());
    // Answer one item, narrow the scope to 9.3, regenerate: the answered 9.1 stays, unanswered 9.2.x go.
    ChecklistEdit e;
    e.result = "conforming";
    e.evidence = "MET-1 measured monthly";
    auto answered = audits_->EditItem(ctx_, id, gen.items[0].id, e);
    EXPECT_EQ(answered.version, 2);
    EXPECT_EQ(Catch([&] { audits_->EditItem(ctx_, id, gen.items[0].id, e, 1); }).code(),
              ErrorCode::kPreconditionFailed);
    ChecklistEdit bad;
    bad.result = "fine";
    EXPECT_EQ(Problem(Catch([&] { audits_->EditItem(ctx_, id, gen.items[0].id, bad); }), "result"), "unknown result");
    Edit("audit", id, {{"clauses", {"9.3"}}, {"controls", Json::array()}});
    auto again = audits_->Generate(ctx_, id);
    refs.clear();
    for (const auto& i : again.items) refs.push_back(i.ref);
    EXPECT_EQ(refs, (std::vector<std::string>{"9.3.1", "9.3.2", "9.3.3", "9.1"}));
    EXPECT_EQ(again.removed, 3);
    EXPECT_EQ(again.items.back().evidence, "MET-1 measured monthly");
    // Custom questions; a completed audit keeps its checklist.
    auto custom = audits_->AddItem(ctx_, id, "Log retention", "Are logs kept 13 months?", "8.15");
    EXPECT_EQ(custom.ref_kind, "control");
    Edit("audit", id, {{"actual_end", Day(0)}});
    Move("audit", id, {"report"});
    Edit("audit", id, {{"conclusion", "Conforms."}, {"report_date", Day(0)}});
    Move("audit", id, {"complete"});
    EXPECT_EQ(Catch([&] { audits_->Generate(ctx_, id); }).code(), ErrorCode::kConflict);
    // Auditors write audits (audit.write) but not other records.
    Context auditor = ctx_;
    auditor.role = Role::kAuditor;
    EXPECT_NO_THROW(records_->Create(auditor, "audit",
                                     {{"title", "Spring"}, {"scope", "x"}, {"lead_auditor", "PER-2"},
                                      {"planned_start", Day(1)}, {"planned_end", Day(2)}}));
    EXPECT_EQ(Catch([&] { records_->Create(auditor, "metric", {{"name", "y"}}); }).code(), ErrorCode::kForbidden);
}

// ---- Findings, nonconformities, corrective actions ---------------------------------------------------------

TEST_P(EvaluationTest, CorrectiveActionsCloseOnlyAfterAnEffectiveEffectivenessCheck) {
    std::string audit = Audit();
    // Findings need their audit under way and a clause or control.
    auto e = Catch([&] {
        Add("audit_finding", {{"title", "x"}, {"audit", audit}, {"kind", "minor_nonconformity"}, {"description", "x"},
                              {"raised_on", Day(0)}, {"clause", "9.1"}});
    });
    EXPECT_NE(Problem(e, "audit").find("in progress"), std::string::npos) << e.what();
    Move("audit", audit, {"start"});
    e = Catch([&] {
        Add("audit_finding", {{"title", "x"}, {"audit", audit}, {"kind", "observation"}, {"description", "x"},
                              {"raised_on", Day(0)}});
    });
    EXPECT_NE(Problem(e, "clause").find("clause or the control"), std::string::npos) << e.what();
    e = Catch([&] {
        Add("audit_finding", {{"title", "x"}, {"audit", audit}, {"kind", "observation"}, {"description", "x"},
                              {"raised_on", Day(0)}, {"clause", "12.1"}});
    });
    EXPECT_FALSE(Problem(e, "clause").empty()) << e.what();
    std::string f = Add("audit_finding", {{"title", "Metrics not analysed"}, {"audit", audit},
                                          {"kind", "minor_nonconformity"}, {"clause", "9.1"},
                                          {"description", "No analysis recorded"}, {"raised_on", Day(0)}});
    std::string obs = Add("audit_finding", {{"title", "Nice dashboards"}, {"audit", audit}, {"kind", "observation"},
                                            {"control", "8.15"}, {"description", "x"}, {"raised_on", Day(0)}});
    // A nonconformity finding closes only through its nonconformity.
    EXPECT_FALSE(Problem(Catch([&] { Move("audit_finding", f, {"close"}); }), "state").empty());
    EXPECT_EQ(Catch([&] { audits_->RaiseNonconformity(ctx_, obs, {{"owner", "PER-1"}}); }).code(),
              ErrorCode::kInvalidInput);
    std::string nc = audits_->RaiseNonconformity(ctx_, f, {{"owner", "PER-1"}}).id;
    EXPECT_EQ(records_->Get(ctx_, "nonconformity", nc).data["severity"], "minor");
    EXPECT_EQ(Catch([&] { audits_->RaiseNonconformity(ctx_, f, {{"owner", "PER-1"}}); }).code(), ErrorCode::kConflict);
    e = Catch([&] { Edit("nonconformity", nc, {{"severity", "major"}}); });
    EXPECT_NE(Problem(e, "severity").find("minor"), std::string::npos) << e.what();
    Edit("nonconformity", nc, {{"correction", "Analysed the last quarter"}, {"root_cause", "No owner"}});
    Move("nonconformity", nc, {"analyse"});
    std::string ca = Add("corrective_action", {{"title", "Name an analyst"}, {"nonconformity", nc},
                                               {"description", "x"}, {"owner", "PER-1"}, {"due_date", Day(10)}});
    Edit("corrective_action", ca, {{"implemented_on", Day(0)}});
    Move("corrective_action", ca, {"implement"});
    // Closing without the effectiveness check names every missing field.
    e = Catch([&] { Move("corrective_action", ca, {"close"}); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
    for (const char* field : {"effectiveness_check", "effectiveness_result", "effectiveness_checked_by",
                              "effectiveness_checked_on"})
        EXPECT_FALSE(Problem(e, field).empty()) << field << ": " << e.what();
    // An ineffective action is not closed.
    Edit("corrective_action", ca, {{"effectiveness_check", "Sampled two months"}, {"effectiveness_result", "not_effective"},
                                   {"effectiveness_checked_by", "PER-2"}, {"effectiveness_checked_on", Day(0)}});
    e = Catch([&] { Move("corrective_action", ca, {"close"}); });
    EXPECT_NE(Problem(e, "effectiveness_result").find("not_effective"), std::string::npos) << e.what();
    // The nonconformity cannot close while its action is open.
    Edit("nonconformity", nc, {{"closed_on", Day(0)}});
    e = Catch([&] { Move("nonconformity", nc, {"close"}); });
    EXPECT_NE(Problem(e, "state").find(ca), std::string::npos) << e.what();
    Edit("corrective_action", ca, {{"effectiveness_result", "effective"}});
    Move("corrective_action", ca, {"close"});
    Move("nonconformity", nc, {"close"});
    Move("audit_finding", f, {"close"});
    // A closed nonconformity takes no new actions.
    e = Catch([&] { Add("corrective_action", {{"title", "More"}, {"nonconformity", nc}, {"description", "x"},
                                              {"owner", "PER-1"}, {"due_date", Day(10)}}); });
    EXPECT_NE(Problem(e, "nonconformity").find("closed"), std::string::npos) << e.what();
    // Without corrective actions, closing needs the reason none is needed.
    std::string nc2 = Add("nonconformity", {{"title", "Typo in a procedure"}, {"source", "other"}, {"severity", "minor"},
                                            {"description", "x"}, {"detected_on", Day(0)}, {"owner", "PER-1"},
                                            {"correction", "Fixed"}, {"root_cause", "Typing"}, {"closed_on", Day(0)}});
    Move("nonconformity", nc2, {"analyse"});
    e = Catch([&] { Move("nonconformity", nc2, {"close"}); });
    EXPECT_FALSE(Problem(e, "no_action_reason").empty()) << e.what();
    // Dates in the future are refused.
    e = Catch([&] { Edit("nonconformity", nc2, {{"detected_on", Day(3)}}); });
    EXPECT_NE(Problem(e, "detected_on").find("future"), std::string::npos) << e.what();
}

TEST_P(EvaluationTest, ImportedStatesObeyTheSameWorkflowAndRulesAsTransitions) {
    std::string nc = Add("nonconformity", {{"title", "Metrics not analysed"},
                                           {"source", "monitoring"},
                                           {"severity", "minor"},
                                           {"description", "x"},
                                           {"detected_on", Day(-5)},
                                           {"owner", "PER-1"},
                                           {"correction", "Analysed"},
                                           {"root_cause", "No owner"}});
    Move("nonconformity", nc, {"analyse"});
    auto none_of = [&](const char* type) { EXPECT_TRUE(records_->List(ctx_, type, {}).items.empty()) << type; };
    // A corrective action imported as closed without an effectiveness check: every missing field, with the line.
    std::string head = "title,nonconformity,description,owner,due_date,state\n";
    auto e = Catch([&] {
        records_->Import(ctx_, "corrective_action", records::DataFormat::kCsv,
                         head + "Name an analyst," + nc + ",x,PER-1," + Day(10) + ",closed\n");
    });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
    for (const char* field : {"implemented_on", "effectiveness_check", "effectiveness_result",
                              "effectiveness_checked_by", "effectiveness_checked_on"})
        EXPECT_NE(Problem(e, field).find("is required to"), std::string::npos) << field << ": " << e.what();
    for (const auto& d : e.details()) EXPECT_EQ(d.line, 2) << d.field;
    none_of("corrective_action");
    // With the check recorded but "not_effective": the closure rule refuses it, as it refuses the transition.
    head =
        "title,nonconformity,description,owner,due_date,implemented_on,effectiveness_check,effectiveness_result,"
        "effectiveness_checked_by,effectiveness_checked_on,state\n";
    std::string row = "Name an analyst," + nc + ",x,PER-1," + Day(10) + "," + Day(-2) + ",Sampled," + "%s" + ",PER-2," +
                      Day(-1) + ",closed\n";
    auto with = [&](const std::string& result) {
        std::string r = row;
        r.replace(r.find("%s"), 2, result);
        return head + r;
    };
    e = Catch([&] { records_->Import(ctx_, "corrective_action", records::DataFormat::kCsv, with("not_effective")); });
    EXPECT_NE(Problem(e, "effectiveness_result").find("not_effective"), std::string::npos) << e.what();
    EXPECT_EQ(e.details().at(0).line, 2);
    none_of("corrective_action");
    // Effective: closed, through implement and close.
    auto r = records_->Import(ctx_, "corrective_action", records::DataFormat::kCsv, with("effective"));
    auto ca = records_->Get(ctx_, "corrective_action", r.ids.at(0));
    EXPECT_EQ(ca.state, "closed");
    auto h = records_->History(ctx_, "corrective_action", ca.id);
    ASSERT_EQ(h.size(), 3u);
    EXPECT_EQ(h[1].transition, "implement");
    EXPECT_EQ(h[2].transition, "close");

    // A management review imported as approved: held needs inputs compiled at the cut-off, which a new record
    // cannot have.
    e = Catch([&] {
        records_->Import(ctx_, "management_review", records::DataFormat::kJson,
                         R"([{"title": "Spring review", "meeting_date": ")" + Day(0) + R"(", "cut_off": ")" + Day(-1) +
                             R"(", "chair": "PER-1", "minutes": "m", "conclusions": "c", "state": "approved"}])");
    });
    EXPECT_NE(Problem(e, "cut_off").find("compile the review's inputs first"), std::string::npos) << e.what();
    EXPECT_EQ(e.details().at(0).line, 1);
    none_of("management_review");
    // A contributor may edit reviews but not approve one, by import as by the transition.
    Context contributor = ctx_;
    contributor.role = Role::kContributor;
    std::string mr = Add("management_review", {{"title", "Review"},
                                               {"meeting_date", Day(0)},
                                               {"cut_off", Day(0)},
                                               {"chair", "PER-1"},
                                               {"minutes", "m"},
                                               {"conclusions", "c"}});
    reviews_->Compile(ctx_, mr, "Acme AB");
    Move("management_review", mr, {"hold"});
    e = Catch([&] {
        records_->Import(contributor, "management_review", records::DataFormat::kCsv,
                         "id,state\n" + mr + ",approved\n");
    });
    EXPECT_NE(Problem(e, "state").find("records.approve"), std::string::npos) << e.what();
    EXPECT_EQ(records_->Get(ctx_, "management_review", mr).state, "held");
    // With the permission, the compiled and held review is approved by import as by the transition.
    records_->Import(ctx_, "management_review", records::DataFormat::kCsv, "id,state\n" + mr + ",approved\n");
    EXPECT_EQ(records_->Get(ctx_, "management_review", mr).state, "approved");
}

TEST_P(EvaluationTest, AuditReportAndOscalInputsCarryTheFindings) {
    soa::DecisionInput yes;
    yes.applicability = "applicable";
    yes.inclusion_reason = "baseline";
    soa_->Decide(ctx_, "8.15", yes);
    std::string audit = Audit({{"controls", {"8.15"}}, {"objective", "Check monitoring"}});
    Move("audit", audit, {"start"});
    audits_->Generate(ctx_, audit);
    std::string f = Add("audit_finding", {{"title", "Logs kept only 30 days"}, {"audit", audit},
                                          {"kind", "major_nonconformity"}, {"control", "8.15"},
                                          {"description", "Retention below policy"}, {"raised_on", Day(0)}});
    std::string nc = audits_->RaiseNonconformity(ctx_, f, {{"owner", "PER-3"}}).id;
    auto report = audits_->Report(ctx_, audit, "Acme AB");
    std::string pdf = io::RenderPdf(report);
    ASSERT_TRUE(io::testing_support::PdfStructureProblems(pdf).empty());
    std::string text = io::testing_support::PdfToText(pdf);
    ASSERT_FALSE(text.empty());
    for (const std::string& s : {audit, f, nc, std::string("Logs kept only 30 days"), std::string("Nils Auditor")})
        EXPECT_NE(text.find(s), std::string::npos) << s;
    auto x = audits_->OscalAudit(ctx_, audit, "Acme AB");
    EXPECT_EQ(x.control_ids, std::vector<std::string>{"a.8.15"});
    ASSERT_EQ(x.findings.size(), 1u);
    EXPECT_EQ(x.findings[0].verdict, "not-satisfied");
    EXPECT_EQ(x.findings[0].control_id, "a.8.15");
    std::string ca = Add("corrective_action", {{"title", "Retention 13 months"}, {"nonconformity", nc},
                                               {"description", "x"}, {"owner", "PER-3"}, {"due_date", Day(10)}});
    auto poam = audits_->PoamCorrectiveActions(ctx_);
    ASSERT_EQ(poam.size(), 1u);
    EXPECT_EQ(poam[0].id, ca);
    EXPECT_EQ(poam[0].kind, "corrective");
    EXPECT_EQ(poam[0].control_ids, std::vector<std::string>{"a.8.15"});
    EXPECT_NE(poam[0].origin.find(f), std::string::npos);
}

ISMS_INSTANTIATE_EVALUATION(EvaluationTest);

}  // namespace
}  // namespace isms::evaluation

// Performance evaluation and improvement through the real binary on both backends: measurements with their
// checks, an internal audit from checklist to findings, nonconformities and corrective actions to closure, and
// the management review pack that reports them; reports as real PDF; readiness over HTTP and the CLI.
#include <fmt/format.h>

#include <chrono>

#include "isms/io/pdf_for_tests.hpp"
#include "tests/integration/harness.hpp"

namespace isms::integration {
namespace {

class EvaluationApiTest : public IntegrationTest {
protected:
    static std::string Field(const HttpResponse& r, const std::string& field) {
        for (const auto& e : r.Json().value("errors", Json::array()))
            if (e.value("field", "") == field) return e.value("message", "");
        return "";
    }
    static std::string Day(int days) {
        auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) + std::chrono::days{days};
        std::chrono::year_month_day ymd(now);
        return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                           static_cast<unsigned>(ymd.day()));
    }
    static const Json& Section(const Json& pack, const std::string& key) {
        for (const auto& s : pack["sections"])
            if (s["topic"] == key) return s;
        static const Json kNone = Json::object();
        return kNone;
    }
};

TEST_P(EvaluationApiTest, AuditToFindingsToCorrectiveActionsToClosureFeedsTheReviewPack) {
    Init();
    auto& server = StartServer();
    auto& admin = server.http();
    admin.SetDefaultHeader("Authorization", "Bearer " + CreateToken("acme-ab", "administrator", "admin"));
    auto auditor = server.NewClient();
    auditor.SetDefaultHeader("Authorization", "Bearer " + CreateToken("acme-ab", "auditor", "auditor"));
    auto viewer = server.NewClient();
    viewer.SetDefaultHeader("Authorization", "Bearer " + CreateToken("acme-ab", "viewer", "viewer"));

    // People: PER-1 runs monitoring (her role is responsible for it), PER-2 audits, PER-3 is an engineer.
    ASSERT_EQ(admin.Post("/api/v1/records/role", {{"name", "ISMS manager"}, {"responsibilities", "Runs the ISMS"},
                                                  {"responsible_for", {"monitoring_measurement"}}})
                  .status,
              201);
    ASSERT_EQ(admin.Post("/api/v1/records/role/ROL-1/transitions", {{"transition", "approve"}}).status, 200);
    for (const auto& [name, email] : std::vector<std::pair<std::string, std::string>>{
             {"Anna", "anna@acme.se"}, {"Nils", "nils@acme.se"}, {"Oskar", "oskar@acme.se"}}) {
        Json p = {{"name", name}, {"email", email}};
        if (name == "Anna") p["roles"] = {"ROL-1"};
        ASSERT_EQ(admin.Post("/api/v1/records/person", p).status, 201);
    }

    // ---- 9.1 A metric and its measurements ----------------------------------------------------------------
    auto metric = admin.Post("/api/v1/records/metric",
                             {{"name", "Critical patches in 14 days"}, {"measured_item", "Share patched in time"},
                              {"method", "Tracker export"}, {"unit", "%"}, {"target", 95}, {"warning", 90},
                              {"min_value", 0}, {"max_value", 100}, {"measured_by", "PER-3"},
                              {"analysed_by", "PER-1"}});
    ASSERT_EQ(metric.status, 201) << metric;
    ASSERT_EQ(admin.Post("/api/v1/records/metric/MET-1/transitions", {{"transition", "activate"}}).status, 200);
    auto bad = admin.Post("/api/v1/metrics/MET-1/measurements", {{"date", Day(-1)}, {"value", 93}, {"unit", "ms"}});
    EXPECT_EQ(bad.status, 400) << bad;
    EXPECT_NE(Field(bad, "unit").find("measured in '%', not 'ms'"), std::string::npos) << bad;
    bad = admin.Post("/api/v1/metrics/MET-1/measurements", {{"value", 130}});
    EXPECT_NE(Field(bad, "value").find("outside the allowed range"), std::string::npos) << bad;
    bad = admin.Post("/api/v1/metrics/MET-1/measurements", {{"value", 90}, {"date", Day(2)}});
    EXPECT_NE(Field(bad, "date").find("future"), std::string::npos) << bad;
    EXPECT_EQ(viewer.Post("/api/v1/metrics/MET-1/measurements", {{"value", 90}}).status, 403);
    auto ok = admin.Post("/api/v1/metrics/MET-1/measurements",
                         Json::array({{{"date", Day(-60)}, {"value", 82}}, {{"date", Day(-30)}, {"value", 88}},
                                      {{"date", Day(-1)}, {"value", 91}, {"unit", "%"}}}));
    ASSERT_EQ(ok.status, 201) << ok;
    EXPECT_EQ(ok.Json()["metric"]["status"], "warning");
    EXPECT_EQ(ok.Json()["metric"]["trend"]["direction"], "improving");
    auto csv = admin.Send("POST", "/api/v1/metrics/MET-1/measurements/import",
                          "date,value\n" + Day(-90) + ",80\n" + Day(-20) + ",lots\n", "text/csv");
    EXPECT_EQ(csv.status, 400) << csv;
    EXPECT_EQ(csv.Json()["errors"][0]["line"], 3) << csv;
    EXPECT_EQ(admin.Get("/api/v1/metrics/MET-1/measurements").Json()["items"].size(), 3u);
    auto chart = admin.Get("/api/v1/metrics/MET-1/chart.svg");
    EXPECT_EQ(chart.status, 200);
    EXPECT_EQ(chart.Header("Content-Type"), "image/svg+xml");
    EXPECT_EQ(chart.body.rfind("<svg", 0), 0u);

    // ---- 9.2 An audit by an independent auditor --------------------------------------------------------
    Json audit = {{"title", "Audit of clause 9"},    {"scope", "The ISMS"},
                  {"clauses", {"9.1", "9.2"}},       {"processes", {"monitoring_measurement"}},
                  {"lead_auditor", "PER-1"},         {"auditees", {"PER-3"}},
                  {"planned_start", Day(-3)},        {"planned_end", Day(3)},
                  {"actual_start", Day(-2)}};
    auto own_area = auditor.Post("/api/v1/records/audit", audit);
    EXPECT_EQ(own_area.status, 400) << own_area;
    EXPECT_NE(Field(own_area, "lead_auditor").find("responsible for the process 'monitoring_measurement'"),
              std::string::npos)
        << own_area;
    EXPECT_EQ(auditor.Post("/api/v1/records/metric", {{"name", "x"}}).status, 403);  // audit.write only
    // Without the processes listed, the clauses in scope bring them: 9.1 is monitoring and measurement.
    Json unlisted = audit;
    unlisted.erase("processes");
    auto through_clause = auditor.Post("/api/v1/records/audit", unlisted);
    EXPECT_EQ(through_clause.status, 400) << through_clause;
    EXPECT_NE(Field(through_clause, "lead_auditor").find("'monitoring_measurement' in scope (through clause 9.1)"),
              std::string::npos)
        << through_clause;
    audit["lead_auditor"] = "PER-2";
    ASSERT_EQ(auditor.Post("/api/v1/records/audit", audit).status, 201);
    EXPECT_EQ(auditor.Get("/api/v1/audits/AUD-1/independence").Json()["ok"], true);
    ASSERT_EQ(auditor.Post("/api/v1/records/audit/AUD-1/transitions", {{"transition", "start"}}).status, 200);
    auto checklist = auditor.Post("/api/v1/audits/AUD-1/checklist", Json::object());
    ASSERT_EQ(checklist.status, 200) << checklist;
    auto items = checklist.Json()["items"];
    ASSERT_EQ(items.size(), 3u);  // 9.1, 9.2.1, 9.2.2
    EXPECT_EQ(items[0]["ref"], "9.1");
    auto finding = auditor.Post("/api/v1/records/audit_finding",
                                {{"title", "Measurements not analysed"}, {"audit", "AUD-1"},
                                 {"kind", "minor_nonconformity"}, {"clause", "9.1"},
                                 {"description", "No analysis of MET-1 is recorded."}, {"raised_on", Day(-1)}});
    ASSERT_EQ(finding.status, 201) << finding;
    auto answered = auditor.Patch("/api/v1/audits/AUD-1/checklist/" + items[0]["id"].get<std::string>(),
                                  {{"result", "nonconforming"}, {"evidence", "MET-1 records"}, {"finding", "FND-1"}},
                                  {{"If-Match", "\"1\""}});
    ASSERT_EQ(answered.status, 200) << answered;
    EXPECT_EQ(answered.Header("ETag"), "\"2\"");

    // ---- 10.2 Nonconformity and corrective action ------------------------------------------------------
    EXPECT_EQ(auditor.Post("/api/v1/audit-findings/FND-1/nonconformity", {{"owner", "PER-1"}}).status, 403);
    auto nc = admin.Post("/api/v1/audit-findings/FND-1/nonconformity", {{"owner", "PER-1"}, {"due_date", Day(20)}});
    ASSERT_EQ(nc.status, 201) << nc;
    EXPECT_EQ(nc.Json()["id"], "NC-1");
    EXPECT_EQ(nc.Json()["data"]["severity"], "minor");
    ASSERT_EQ(admin.Patch("/api/v1/records/nonconformity/NC-1",
                          {{"data", {{"correction", "Analysed last month"}, {"root_cause", "No analyst named"}}}})
                  .status,
              200);
    ASSERT_EQ(admin.Post("/api/v1/records/nonconformity/NC-1/transitions", {{"transition", "analyse"}}).status, 200);
    // A state set on import or on creation obeys the workflow: closing needs the effectiveness check, whichever
    // way the record comes; nothing is imported or created.
    auto imported = admin.Send("POST", "/api/v1/records/corrective_action/import",
                               "title,nonconformity,description,owner,due_date,implemented_on,state\n"
                               "Name an analyst,NC-1,x,PER-1," +
                                   Day(5) + "," + Day(0) + ",closed\n",
                               "text/csv");
    EXPECT_EQ(imported.status, 400) << imported;
    EXPECT_EQ(imported.Json()["errors"][0]["line"], 2) << imported;
    EXPECT_NE(Field(imported, "effectiveness_result").find("is required to 'close'"), std::string::npos) << imported;
    auto review_import = admin.Send("POST", "/api/v1/records/management_review/import?format=json",
                                    Json::array({{{"title", "Review"},
                                                  {"meeting_date", Day(0)},
                                                  {"cut_off", Day(0)},
                                                  {"chair", "PER-1"},
                                                  {"minutes", "m"},
                                                  {"conclusions", "c"},
                                                  {"state", "approved"}}})
                                        .dump(),
                                    "application/json");
    EXPECT_EQ(review_import.status, 400) << review_import;
    EXPECT_NE(Field(review_import, "cut_off").find("compile the review's inputs first"), std::string::npos)
        << review_import;
    auto created_closed = admin.Post("/api/v1/records/corrective_action", {{"data",
                                                                            {{"title", "Name an analyst"},
                                                                             {"nonconformity", "NC-1"},
                                                                             {"description", "x"},
                                                                             {"owner", "PER-1"},
                                                                             {"due_date", Day(5)}}},
                                                                           {"state", "closed"}});
    EXPECT_EQ(created_closed.status, 400) << created_closed;
    EXPECT_NE(Field(created_closed, "state").find("moves through its transitions"), std::string::npos)
        << created_closed;
    auto cli_closed = Isms({"--org", "acme-ab", "record", "add", "corrective_action", "--set", "title=x", "--set",
                            "nonconformity=NC-1", "--set", "description=x", "--set", "owner=PER-1", "--set",
                            "due_date=" + Day(5), "--set", "state=closed"});
    EXPECT_EQ(cli_closed.exit_code, 3) << cli_closed;
    EXPECT_NE(cli_closed.err.find("'state' is not a field"), std::string::npos) << cli_closed;
    EXPECT_EQ(admin.Get("/api/v1/records/corrective_action").Json()["items"].size(), 0u);
    EXPECT_EQ(admin.Get("/api/v1/records/management_review").Json()["items"].size(), 0u);
    auto ca = admin.Post("/api/v1/records/corrective_action",
                         {{"title", "Name an analyst"}, {"nonconformity", "NC-1"}, {"description", "x"},
                          {"owner", "PER-1"}, {"due_date", Day(-1)}});
    ASSERT_EQ(ca.status, 201) << ca;
    // Overdue: in the due list and the dashboard summary.
    auto due_list = admin.Get("/api/v1/records-due?within=0");
    Json due_items = due_list.Json()["items"];
    bool due = false;
    for (const auto& d : due_items) due |= d["id"] == "CA-1";
    EXPECT_TRUE(due) << due_list;
    auto summary = admin.Get("/api/v1/evaluation/summary").Json();
    EXPECT_EQ(summary["corrective_actions"]["overdue"][0]["id"], "CA-1") << summary;
    EXPECT_EQ(summary["metrics"]["warning"], 1);
    // The open action is in the OSCAL plan of action and milestones.
    auto poam = admin.Get("/api/v1/oscal/poam?format=xml");
    ASSERT_EQ(poam.status, 200) << poam;
    EXPECT_NE(poam.body.find("CA-1"), std::string::npos);
    auto poam_valid = admin.Send("POST", "/api/v1/oscal/validate", poam.body, "application/xml");
    EXPECT_EQ(poam_valid.Json()["valid"], true) << poam_valid;
    ASSERT_EQ(admin.Patch("/api/v1/records/corrective_action/CA-1", {{"data", {{"implemented_on", Day(0)}}}}).status,
              200);
    ASSERT_EQ(admin.Post("/api/v1/records/corrective_action/CA-1/transitions", {{"transition", "implement"}}).status,
              200);
    auto early = admin.Post("/api/v1/records/corrective_action/CA-1/transitions", {{"transition", "close"}});
    EXPECT_EQ(early.status, 400) << early;
    EXPECT_NE(Field(early, "effectiveness_check").find("required"), std::string::npos) << early;
    EXPECT_NE(Field(early, "effectiveness_result").find("required"), std::string::npos) << early;
    ASSERT_EQ(admin.Patch("/api/v1/records/corrective_action/CA-1",
                          {{"data", {{"effectiveness_check", "Analysis recorded for the month"},
                                     {"effectiveness_result", "effective"},
                                     {"effectiveness_checked_by", "PER-2"},
                                     {"effectiveness_checked_on", Day(0)}}}})
                  .status,
              200);
    ASSERT_EQ(admin.Post("/api/v1/records/corrective_action/CA-1/transitions", {{"transition", "close"}}).status, 200);
    ASSERT_EQ(admin.Patch("/api/v1/records/nonconformity/NC-1", {{"data", {{"closed_on", Day(0)}}}}).status, 200);
    ASSERT_EQ(admin.Post("/api/v1/records/nonconformity/NC-1/transitions", {{"transition", "close"}}).status, 200);
    ASSERT_EQ(auditor.Post("/api/v1/records/audit_finding/FND-1/transitions", {{"transition", "close"}}).status, 200);

    // The audit report as a real PDF.
    auto pdf = auditor.Get("/api/v1/audits/AUD-1/report?format=pdf");
    ASSERT_EQ(pdf.status, 200);
    EXPECT_EQ(pdf.Header("Content-Type"), "application/pdf");
    EXPECT_TRUE(io::testing_support::PdfStructureProblems(pdf.body).empty());
    std::string text = io::testing_support::PdfToText(pdf.body);
    EXPECT_NE(text.find("FND-1"), std::string::npos) << text;
    EXPECT_NE(text.find("NC-1"), std::string::npos) << text;
    EXPECT_NE(admin.Get("/api/v1/audits/AUD-1/report").body.find("<h1>Internal audit report"), std::string::npos);

    // OSCAL: the audit's results and the POA&M are valid documents.
    auto results = admin.Get("/api/v1/audits/AUD-1/oscal/assessment-results");
    ASSERT_EQ(results.status, 200) << results;
    auto valid = admin.Send("POST", "/api/v1/oscal/validate", results.body, "application/json");
    EXPECT_EQ(valid.Json()["valid"], true) << valid;
    // Nothing is open any more: a POA&M needs at least one item.
    EXPECT_EQ(admin.Get("/api/v1/oscal/poam").status, 404);

    // ---- 9.3 The management review pack reports all of it ----------------------------------------------
    auto future = admin.Post("/api/v1/records/management_review", {{"title", "Review"}, {"meeting_date", Day(3)},
                                                                   {"cut_off", Day(1)}, {"chair", "PER-1"}});
    EXPECT_EQ(future.status, 400);
    EXPECT_NE(Field(future, "cut_off").find("future"), std::string::npos) << future;
    ASSERT_EQ(admin.Post("/api/v1/records/management_review", {{"title", "Review"}, {"meeting_date", Day(0)},
                                                               {"cut_off", Day(0)}, {"chair", "PER-1"}})
                  .status,
              201);
    EXPECT_EQ(admin.Post("/api/v1/management-reviews/MR-1/compile", {{"cut_off", Day(1)}}).status, 400);
    auto compiled = admin.Post("/api/v1/management-reviews/MR-1/compile", Json::object());
    ASSERT_EQ(compiled.status, 201) << compiled;
    auto pack = admin.Get("/api/v1/management-reviews/MR-1/pack").Json();
    const Json& d1 = Section(pack, "nonconformities");
    ASSERT_EQ(d1["items"].size(), 1u) << d1;
    EXPECT_EQ(d1["items"][0]["id"], "NC-1");
    EXPECT_EQ(d1["items"][0]["state"], "closed");
    EXPECT_EQ(d1["items"][0]["corrective_actions"][0]["id"], "CA-1");
    EXPECT_EQ(d1["items"][0]["corrective_actions"][0]["effectiveness_result"], "effective");
    const Json& d3 = Section(pack, "audit_results");
    ASSERT_EQ(d3["items"].size(), 1u) << d3;
    EXPECT_EQ(d3["items"][0]["findings"]["minor_nonconformity"], 1);
    EXPECT_EQ(Section(pack, "measurements")["items"][0]["status"], "warning");
    auto pack_pdf = admin.Get("/api/v1/management-reviews/MR-1/pack?format=pdf");
    ASSERT_EQ(pack_pdf.status, 200);
    std::string pack_text = io::testing_support::PdfToText(pack_pdf.body);
    EXPECT_NE(pack_text.find("NC-1"), std::string::npos) << pack_text;
    EXPECT_NE(pack_text.find("AUD-1"), std::string::npos);
    auto output = admin.Post("/api/v1/management-reviews/MR-1/outputs",
                             {{"title", "Second analyst"}, {"description", "Train a deputy"}, {"owner", "PER-1"},
                              {"kind", "resource_need"}, {"due_date", Day(60)}});
    ASSERT_EQ(output.status, 201) << output;
    EXPECT_EQ(output.Json()["data"]["management_review"], "MR-1");
    EXPECT_EQ(admin.Get("/api/v1/management-reviews/MR-1/outputs").Json()["items"].size(), 1u);
    auto reviews = admin.Get("/api/v1/management-reviews").Json()["items"];
    ASSERT_EQ(reviews.size(), 1u);
    EXPECT_EQ(reviews[0]["compilation"], 1);
    EXPECT_EQ(reviews[0]["outputs"], 1);
    auto audits = auditor.Get("/api/v1/audits").Json()["items"];
    ASSERT_EQ(audits.size(), 1u);
    EXPECT_EQ(audits[0]["checklist"]["answered"], 1);
    EXPECT_EQ(audits[0]["findings"]["minor_nonconformity"], 1);
    EXPECT_EQ(audits[0]["independent"], true);

    // ---- Readiness over HTTP and the CLI ----------------------------------------------------------------
    auto readiness = admin.Get("/api/v1/readiness");
    ASSERT_EQ(readiness.status, 200);
    EXPECT_EQ(readiness.Json()["ok"], false);  // no scope, policy, risk assessment, …
    EXPECT_EQ(readiness.Json()["clauses"].size(), 8u);
    auto cli = Isms({"--org", "acme-ab", "readiness"});
    EXPECT_EQ(cli.exit_code, 1) << cli;
    EXPECT_NE(cli.out.find("mandatory documented information missing"), std::string::npos) << cli;
    auto cli9 = Isms({"--org", "acme-ab", "readiness", "--clause", "9"});
    EXPECT_NE(cli9.out.find("9.1"), std::string::npos) << cli9;
}

TEST_P(EvaluationApiTest, CommandLine) {
    Init();
    ASSERT_EQ(Isms({"record", "add", "person", "--set", "name=Anna", "--set", "email=anna@acme.se"}).exit_code, 0);
    ASSERT_EQ(Isms({"record", "add", "metric", "--set", "name=Restore hours", "--set", "measured_item=x", "--set",
                    "method=x", "--set", "unit=hours", "--set", "direction=lower_is_better", "--set", "target=4",
                    "--set", "max_value=48", "--set", "measured_by=PER-1", "--set", "analysed_by=PER-1"})
                  .exit_code,
              0);
    ASSERT_EQ(Isms({"record", "transition", "metric", "MET-1", "activate"}).exit_code, 0);
    auto wrong = Isms({"metric", "add", "MET-1", "3.5", "--unit", "minutes"});
    EXPECT_EQ(wrong.exit_code, 3) << wrong;
    EXPECT_NE(wrong.err.find("field 'unit'"), std::string::npos) << wrong;
    auto added = Isms({"metric", "add", "MET-1", "3.5", "--date", Day(-1)});
    EXPECT_EQ(added.exit_code, 0) << added;
    EXPECT_NE(added.out.find("on_target"), std::string::npos) << added;
    auto listed = Isms({"--format", "json", "metric", "list"});
    ASSERT_EQ(listed.exit_code, 0) << listed;
    EXPECT_EQ(Json::parse(listed.out)[0]["latest"]["value"], 3.5);
    auto imported = Isms({"metric", "import", "-"},
                         {.stdin_data = "metric,date,value\nMET-1," + Day(-2) + ",5\nMET-1," + Day(-3) + ",99\n"});
    EXPECT_EQ(imported.exit_code, 3) << imported;
    EXPECT_NE(imported.err.find("line 3"), std::string::npos) << imported;
    auto readiness = Isms({"--format", "json", "readiness"});
    EXPECT_EQ(readiness.exit_code, 1);
    EXPECT_EQ(Json::parse(readiness.out)["ok"], false);
}

ISMS_INSTANTIATE_BACKENDS(EvaluationApiTest);

}  // namespace
}  // namespace isms::integration

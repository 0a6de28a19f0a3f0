// Performance evaluation and improvement (27001 9.1–10.2) and certification readiness: measurements of metrics,
// audit checklists, independence, reports and OSCAL assessments, the POA&M, management-review packs and
// outputs, raising nonconformities from findings, readiness and a summary for the dashboard. The records
// themselves (metrics, audits, findings, nonconformities, corrective actions, improvements, reviews) go through
// /api/v1/records/{type}. Handlers are thin: the rules are in isms/evaluation.
#include <fmt/format.h>

#include "isms/api/routes.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/io/report.hpp"
#include "isms/oscal/document.hpp"

namespace isms::api {

namespace {

Json Obj(Json properties) { return {{"type", "object"}, {"properties", std::move(properties)}}; }
Json Str() { return {{"type", "string"}}; }
Json Items(Json item = {{"type", "object"}}) {
    Json j = Obj({{"items", {{"type", "array"}, {"items", std::move(item)}}}});
    j["required"] = {"items"};
    return j;
}

const Json kMeasurement = Obj({{"metric", Str()},
                               {"date", {{"type", "string"}, {"format", "date"}}},
                               {"value", {{"type", "number"}}},
                               {"note", Str()},
                               {"source", Str()},
                               {"recorded_at", Str()},
                               {"recorded_by", Str()}});
const Json kMeasurementInput = Obj({{"date", {{"type", "string"}, {"format", "date"}, {"description", "default today"}}},
                                    {"value", {{"type", "number"}}},
                                    {"unit", {{"type", "string"}, {"description", "optional; must be the metric's unit"}}},
                                    {"note", Str()},
                                    {"source", Str()}});
const Json kNullableNumber = {{"type", {"number", "null"}}};
const Json kMetric = Obj({{"id", Str()},
                          {"name", Str()},
                          {"unit", Str()},
                          {"state", Str()},
                          {"direction", {{"type", "string"}, {"enum", {"higher_is_better", "lower_is_better"}}}},
                          {"target", {{"type", "number"}}},
                          {"warning", kNullableNumber},
                          {"min_value", kNullableNumber},
                          {"max_value", kNullableNumber},
                          {"frequency", Str()},
                          {"status", {{"type", "string"}, {"enum", {"no_data", "on_target", "warning", "off_target"}}}},
                          {"trend", Obj({{"direction", Str()}, {"change", {{"type", "number"}}}})},
                          {"measurements", {{"type", "integer"}}},
                          {"latest", {{"type", {"object", "null"}}, {"properties", kMeasurement["properties"]}}},
                          {"next_review", {{"type", {"string", "null"}}}},
                          {"series", {{"type", "array"}, {"items", kMeasurement}}}});
const Json kChecklistItem = Obj({{"id", Str()},
                                 {"ref_kind", {{"type", "string"}, {"enum", {"clause", "control", "custom"}}}},
                                 {"ref", Str()},
                                 {"title", Str()},
                                 {"question", Str()},
                                 {"expected_evidence", Str()},
                                 {"result", {{"type", "string"}, {"enum", evaluation::ChecklistResults()}}},
                                 {"evidence", Str()},
                                 {"notes", Str()},
                                 {"finding", {{"type", {"string", "null"}}}},
                                 {"version", {{"type", "integer"}}}});
const Json kRecordBody = {{"type", "object"}, {"description", "field values of the record (see /api/v1/record-types)"}};
const ParamDoc kFormatReport{"format", "query", "html (default) or pdf"};
const ParamDoc kFormatOscal{"format", "query", "json (default), xml or yaml"};

Response WithETag(Response r, int64_t version) {
    r.headers.emplace_back("ETag", VersionETag(version));
    return r;
}

bool Flag(const Request& req, const std::string& name) {
    if (!req.HasQuery(name)) return false;
    std::string v = req.Query(name);
    if (v.empty() || v == "true" || v == "1" || v == "yes") return true;
    if (v == "false" || v == "0" || v == "no") return false;
    throw Error::InvalidInput(fmt::format("'{}' is not true or false", v), {{name, "not a boolean", {"true", "false"}}});
}

// A printable report as HTML (default) or PDF.
Response ReportResponse(const Request& req, const io::Report& report, const std::string& filename) {
    std::string format = req.Query("format", "html");
    if (format == "html") return Download(io::RenderHtml(report), "text/html; charset=utf-8", filename + ".html");
    if (format == "pdf") return Download(io::RenderPdf(report), "application/pdf", filename + ".pdf");
    throw Error::InvalidInput(fmt::format("unknown report format '{}'", format),
                              {{"format", "unknown format", {"html", "pdf"}}});
}

Response OscalResponse(const Request& req, const oscal::Document& doc, const std::string& filename) {
    std::string name = req.Query("format", "json");
    auto f = oscal::ParseFormat(name);
    if (!f)
        throw Error::InvalidInput(fmt::format("unknown OSCAL format '{}'", name),
                                  {{"format", "unknown format", {"json", "xml", "yaml"}}});
    const char* type = *f == oscal::Format::kJson ? "application/json" : *f == oscal::Format::kXml ? "application/xml"
                                                                                                : "application/yaml";
    return Download(oscal::Write(doc, *f), type, filename + "." + name);
}

// Measurements in a body: one object, an array, or {"items": [...]}.
std::vector<evaluation::MeasurementInput> MeasurementsOf(const Json& body) {
    const Json* list = &body;
    if (body.is_object() && body.contains("items")) list = &body["items"];
    std::vector<evaluation::MeasurementInput> out;
    if (list->is_array()) {
        for (size_t i = 0; i < list->size(); ++i) {
            try {
                out.push_back(evaluation::MeasurementInput::FromJson((*list)[i]));
            } catch (const Error& e) {
                auto details = e.details();
                for (auto& d : details) d.field = fmt::format("items[{}].{}", i, d.field);
                throw Error::InvalidInput(fmt::format("items[{}]: {}", i, e.what()), details);
            }
        }
    } else {
        out.push_back(evaluation::MeasurementInput::FromJson(*list));
    }
    return out;
}

Json RecordsJson(const std::vector<records::Record>& v) {
    Json a = Json::array();
    for (const auto& r : v) a.push_back(records::ToJson(r));
    return a;
}

}  // namespace

void RegisterEvaluationRoutes(Router& router, app::App& app) {
    const std::string tag = "evaluation";

    // ---- 9.1 Metrics and measurements -------------------------------------------------------------------
    router.Add("GET", "/api/v1/metrics",
               {.summary = "Every metric with its latest value, status against the target and trend",
                .tag = tag,
                .params = {{"retired", "query", "true: include retired metrics", false, "boolean"}},
                .response_schema = Items(kMetric),
                .errors = {400}},
               [&app](Request& req) {
                   Json items = Json::array();
                   for (const auto& m : app.metrics().Overview(req.ctx, Flag(req, "retired")))
                       items.push_back(m.ToJson(false));
                   return Response::Items(std::move(items));
               });
    router.Add("GET", "/api/v1/metrics/{id}",
               {.summary = "One metric's status, trend and measurements", .tag = tag, .response_schema = kMetric,
                .errors = {404}},
               [&app](Request& req) { return Response::FromJson(app.metrics().Summary(req.ctx, req.Param("id")).ToJson(true)); });
    router.Add("GET", "/api/v1/metrics/{id}/measurements",
               {.summary = "A metric's measurements between two dates",
                .tag = tag,
                .params = {{"from", "query", "first date (YYYY-MM-DD)"}, {"to", "query", "last date (YYYY-MM-DD)"}},
                .response_schema = Items(kMeasurement),
                .errors = {400, 404}},
               [&app](Request& req) {
                   Json items = Json::array();
                   for (const auto& m : app.metrics().Series(req.ctx, req.Param("id"), req.Query("from"), req.Query("to")))
                       items.push_back(m.ToJson());
                   return Response::Items(std::move(items));
               });
    router.Add("POST", "/api/v1/metrics/{id}/measurements",
               {.summary = "Record measurements (one object, an array or {items}); a date that has a value is "
                           "replaced. 400 names the field: unit other than the metric's, value outside its range, "
                           "future date",
                .tag = tag,
                .request_schema = {{"oneOf", Json::array({kMeasurementInput,
                                                          {{"type", "array"}, {"items", kMeasurementInput}},
                                                          Obj({{"items", {{"type", "array"}, {"items", kMeasurementInput}}}})})}},
                .response_schema = Obj({{"items", {{"type", "array"}, {"items", kMeasurement}}}, {"metric", kMetric}}),
                .errors = {400, 403, 404, 409}},
               [&app](Request& req) {
                   auto stored = app.metrics().Record(req.ctx, req.Param("id"), MeasurementsOf(req.JsonBody(true)), "api");
                   Json items = Json::array();
                   for (const auto& m : stored) items.push_back(m.ToJson());
                   return Response::FromJson(
                       {{"items", items}, {"metric", app.metrics().Summary(req.ctx, req.Param("id")).ToJson(false)}},
                       201);
               });
    router.Add("POST", "/api/v1/metrics/{id}/measurements/import",
               {.summary = "Import measurements of one metric from CSV (date, value[, unit, note, source]); all or "
                           "nothing, every bad line reported",
                .tag = tag,
                .request_schema = Str(),
                .response_schema = Items(kMeasurement),
                .errors = {400, 403, 404, 409},
                .request_type = "text/csv"},
               [&app](Request& req) {
                   Json items = Json::array();
                   for (const auto& m : app.metrics().ImportCsv(req.ctx, req.Param("id"), req.body))
                       items.push_back(m.ToJson());
                   return Response::Items(std::move(items), 201);
               });
    router.Add("POST", "/api/v1/measurements/import",
               {.summary = "Import measurements of several metrics from CSV (metric, date, value[, unit, note, "
                           "source]); all or nothing",
                .tag = tag,
                .request_schema = Str(),
                .response_schema = Items(kMeasurement),
                .errors = {400, 403, 404, 409},
                .request_type = "text/csv"},
               [&app](Request& req) {
                   Json items = Json::array();
                   for (const auto& m : app.metrics().ImportCsv(req.ctx, "", req.body)) items.push_back(m.ToJson());
                   return Response::Items(std::move(items), 201);
               });
    router.Add("DELETE", "/api/v1/metrics/{id}/measurements/{date}",
               {.summary = "Remove the measurement of one date", .tag = tag, .response_schema = Json::object(),
                .errors = {403, 404}},
               [&app](Request& req) {
                   app.metrics().Remove(req.ctx, req.Param("id"), req.Param("date"));
                   return Response::NoContent();
               });
    router.Add("GET", "/api/v1/metrics/{id}/chart.svg",
               {.summary = "The metric's measurements as an SVG line chart with its target (sparkline=true: small, "
                           "no axes)",
                .tag = tag,
                .params = {{"sparkline", "query", "true for a small chart without axes", false, "boolean"}},
                .errors = {400, 404},
                .response_type = "image/svg+xml"},
               [&app](Request& req) {
                   auto s = app.metrics().Summary(req.ctx, req.Param("id"));
                   auto r = Response::Raw(evaluation::MetricChartSvg(s, Flag(req, "sparkline")), "image/svg+xml");
                   r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
                   return r;
               });

    // ---- 9.2 Internal audit -----------------------------------------------------------------------------
    router.Add("GET", "/api/v1/audits",
               {.summary = "Every internal audit with its checklist progress, findings by kind and whether its auditors "
                           "are independent",
                .tag = tag,
                .response_schema = Items(),
                .errors = {}},
               [&app](Request& req) {
                   Json items = Json::array();
                   for (const auto& a : app.audits().Audits(req.ctx)) items.push_back(a.ToJson());
                   return Response::Items(std::move(items));
               });
    router.Add("POST", "/api/v1/audits/{id}/checklist",
               {.summary = "Generate (or regenerate) the checklist from the clauses and applicable SoA controls in "
                           "scope; answered items are kept",
                .tag = tag,
                .response_schema = Obj({{"items", {{"type", "array"}, {"items", kChecklistItem}}},
                                        {"added", {{"type", "integer"}}},
                                        {"removed", {{"type", "integer"}}},
                                        {"kept", {{"type", "integer"}}},
                                        {"skipped_controls", {{"type", "array"}, {"items", Str()}}}}),
                .errors = {403, 404, 409},
                .success_status = 200},
               [&app](Request& req) { return Response::FromJson(app.audits().Generate(req.ctx, req.Param("id")).ToJson()); });
    router.Add("GET", "/api/v1/audits/{id}/checklist",
               {.summary = "The audit's checklist", .tag = tag, .response_schema = Items(kChecklistItem), .errors = {404}},
               [&app](Request& req) {
                   Json items = Json::array();
                   for (const auto& i : app.audits().Checklist(req.ctx, req.Param("id"))) items.push_back(i.ToJson());
                   return Response::Items(std::move(items));
               });
    router.Add("POST", "/api/v1/audits/{id}/checklist/items",
               {.summary = "Add a question of your own (ref: a clause or control it concerns)",
                .tag = tag,
                .request_schema = {{"type", "object"},
                                   {"required", {"title", "question"}},
                                   {"properties", {{"title", Str()}, {"question", Str()}, {"ref", Str()}}}},
                .response_schema = kChecklistItem,
                .errors = {400, 403, 404, 409}},
               [&app](Request& req) {
                   Json b = req.JsonBody();
                   auto i = app.audits().AddItem(req.ctx, req.Param("id"), StringField(b, "title"),
                                                 StringField(b, "question"), StringField(b, "ref", false));
                   return WithETag(Response::FromJson(i.ToJson(), 201), i.version);
               });
    router.Add("PATCH", "/api/v1/audits/{id}/checklist/{item}",
               {.summary = "Answer or edit a checklist item (result, evidence, notes, finding, question)",
                .tag = tag,
                .params = {IfMatchParam("the item's version")},
                .request_schema = Obj({{"title", Str()},
                                       {"question", Str()},
                                       {"result", {{"type", "string"}, {"enum", evaluation::ChecklistResults()}}},
                                       {"evidence", Str()},
                                       {"notes", Str()},
                                       {"finding", Str()}}),
                .response_schema = kChecklistItem,
                .errors = {400, 403, 404, 409, 412}},
               [&app](Request& req) {
                   auto i = app.audits().EditItem(req.ctx, req.Param("id"), req.Param("item"),
                                                  evaluation::ChecklistEdit::FromJson(req.JsonBody()), IfMatchVersion(req));
                   return WithETag(Response::FromJson(i.ToJson()), i.version);
               });
    router.Add("GET", "/api/v1/audits/{id}/independence",
               {.summary = "Whether the audit's auditors are independent of what they audit (auditees, RACI of their "
                           "roles over the processes in scope, SoA control owners)",
                .tag = tag,
                .response_schema = Obj({{"ok", {{"type", "boolean"}}},
                                        {"auditors", {{"type", "array"}, {"items", Str()}}},
                                        {"conflicts", {{"type", "array"}, {"items", {{"type", "object"}}}}}}),
                .errors = {404}},
               [&app](Request& req) { return Response::FromJson(app.audits().Independence(req.ctx, req.Param("id")).ToJson()); });
    router.Add("GET", "/api/v1/audits/{id}/report",
               {.summary = "The audit report as printable HTML or PDF",
                .tag = tag,
                .params = {kFormatReport},
                .errors = {400, 404},
                .response_type = "text/html"},
               [&app](Request& req) {
                   auto r = app.audits().Report(req.ctx, req.Param("id"), OrganisationName(app, req.ctx));
                   return ReportResponse(req, r, fmt::format("{}-audit-{}", OrganisationSlug(app, req.ctx), req.Param("id")));
               });
    for (bool results : {false, true}) {
        std::string kind = results ? "assessment-results" : "assessment-plan";
        router.Add("GET", "/api/v1/audits/{id}/oscal/" + kind,
                   {.summary = results ? "The audit's findings as OSCAL assessment results"
                                       : "The audit as an OSCAL assessment plan (reviewed controls, audit window)",
                    .tag = tag,
                    .params = {kFormatOscal},
                    .errors = {400, 404}},
                   [&app, results, kind](Request& req) {
                       auto a = app.audits().OscalAudit(req.ctx, req.Param("id"), OrganisationName(app, req.ctx));
                       return OscalResponse(req,
                                            results ? oscal::AssessmentResultsFromAudit(a) : oscal::AssessmentPlanFromAudit(a),
                                            kind + "-" + req.Param("id"));
                   });
    }
    router.Add("POST", "/api/v1/audit-findings/{id}/nonconformity",
               {.summary = "Record a nonconformity finding as a nonconformity (10.2) referring to it; the body adds "
                           "owner, due_date, …",
                .tag = tag,
                .request_schema = kRecordBody,
                .errors = {400, 403, 404, 409}},
               [&app](Request& req) {
                   Json body = req.body.empty() ? Json::object() : req.JsonBody();
                   if (body.contains("data") && body["data"].is_object()) body = body["data"];
                   auto r = app.audits().RaiseNonconformity(req.ctx, req.Param("id"), body);
                   auto res = Response::FromJson(records::ToJson(r), 201);
                   res.headers.emplace_back("Location", fmt::format("/api/v1/records/nonconformity/{}", r.id));
                   return res;
               });

    // ---- 9.3 Management review --------------------------------------------------------------------------
    router.Add("GET", "/api/v1/management-reviews",
               {.summary = "Every management review with its newest compilation and number of recorded decisions",
                .tag = tag,
                .response_schema = Items(),
                .errors = {}},
               [&app](Request& req) {
                   Json items = Json::array();
                   for (const auto& r : app.reviews().Reviews(req.ctx)) items.push_back(r.ToJson());
                   return Response::Items(std::move(items));
               });
    router.Add("POST", "/api/v1/management-reviews/{id}/compile",
               {.summary = "Compile the review's inputs (9.3.2) as of its cut-off date (a future cut-off is refused) "
                           "and store them as its pack",
                .tag = tag,
                .request_schema = Obj({{"cut_off", {{"type", "string"}, {"format", "date"},
                                                    {"description", "optional: store this cut-off on the review first"}}}}),
                .errors = {400, 403, 404, 409}},
               [&app](Request& req) {
                   std::optional<std::string> cut;
                   if (!req.body.empty()) {
                       Json b = req.JsonBody();
                       if (b.contains("cut_off")) cut = StringField(b, "cut_off");
                   }
                   auto p = app.reviews().Compile(req.ctx, req.Param("id"), OrganisationName(app, req.ctx), cut);
                   return Response::FromJson(p.ToJson(), 201);
               });
    router.Add("GET", "/api/v1/management-reviews/{id}/pack",
               {.summary = "The review's input pack: JSON (default), or printable HTML or PDF",
                .tag = tag,
                .params = {{"format", "query", "json (default), html or pdf"},
                           {"compilation", "query", "an earlier compilation (default: the newest)", false, "integer"}},
                .errors = {400, 404}},
               [&app](Request& req) {
                   int compilation = 0;
                   if (req.HasQuery("compilation")) {
                       try {
                           compilation = std::stoi(req.Query("compilation"));
                       } catch (const std::exception&) {
                           throw Error::InvalidInput("compilation must be a whole number", {{"compilation", "not a number"}});
                       }
                   }
                   auto p = app.reviews().Pack(req.ctx, req.Param("id"), compilation);
                   if (req.Query("format", "json") == "json") return Response::FromJson(p.ToJson());
                   return ReportResponse(req, evaluation::PackReport(p.pack),
                                         fmt::format("{}-management-review-{}", OrganisationSlug(app, req.ctx), req.Param("id")));
               });
    router.Add("GET", "/api/v1/management-reviews/{id}/compilations",
               {.summary = "Every compilation of the review's inputs (cut-off, when, by whom, SHA-256)",
                .tag = tag,
                .response_schema = Items(),
                .errors = {404}},
               [&app](Request& req) {
                   Json items = Json::array();
                   for (const auto& p : app.reviews().Compilations(req.ctx, req.Param("id")))
                       items.push_back({{"compilation", p.compilation}, {"cut_off", p.cut_off},
                                        {"compiled_at", p.compiled_at}, {"compiled_by", p.compiled_by},
                                        {"sha256", p.sha256}});
                   return Response::Items(std::move(items));
               });
    router.Add("POST", "/api/v1/management-reviews/{id}/outputs",
               {.summary = "Record a decision of the review (9.3.3) as a tracked entry of the continual-improvement "
                           "register",
                .tag = tag,
                .request_schema = kRecordBody,
                .errors = {400, 403, 404}},
               [&app](Request& req) {
                   Json body = req.JsonBody();
                   if (body.contains("data") && body["data"].is_object()) body = body["data"];
                   auto r = app.reviews().AddOutput(req.ctx, req.Param("id"), body);
                   auto res = Response::FromJson(records::ToJson(r), 201);
                   res.headers.emplace_back("Location", fmt::format("/api/v1/records/improvement/{}", r.id));
                   return res;
               });
    router.Add("GET", "/api/v1/management-reviews/{id}/outputs",
               {.summary = "The review's decisions in the continual-improvement register", .tag = tag,
                .response_schema = Items(), .errors = {404}},
               [&app](Request& req) {
                   return Response::FromJson({{"items", RecordsJson(app.reviews().Outputs(req.ctx, req.Param("id")))}});
               });

    // ---- Readiness and the dashboard --------------------------------------------------------------------
    router.Add("GET", "/api/v1/readiness",
               {.summary = "Certification readiness per clause 4–10 and Annex A: what is expected, found, missing "
                           "or stale, with hints and scores (ok: no mandatory documented information missing)",
                .tag = tag,
                .response_schema = Obj({{"score", {{"type", "integer"}}},
                                        {"ok", {{"type", "boolean"}}},
                                        {"mandatory_missing", {{"type", "integer"}}},
                                        {"clauses", {{"type", "array"}, {"items", {{"type", "object"}}}}}}),
                .errors = {}},
               [&app](Request& req) { return Response::FromJson(app.readiness().Assess(req.ctx).ToJson()); });
    router.Add("GET", "/api/v1/evaluation/summary",
               {.summary = "For the dashboard: metrics by status, open nonconformities, overdue corrective actions and "
                           "improvements, audits in progress, the readiness score",
                .tag = tag,
                .errors = {}},
               [&app](Request& req) {
                   std::map<std::string, int> by_status;
                   Json off = Json::array();
                   for (const auto& m : app.metrics().Overview(req.ctx)) {
                       ++by_status[m.status];
                       if (m.status == "off_target" || m.status == "warning") off.push_back(m.ToJson(false));
                   }
                   std::string today = time::Today();
                   records::ListQuery q;
                   q.limit = 1000;
                   auto open_in = [&](const char* type, std::initializer_list<const char*> states) {
                       Json out = Json::array();
                       for (const auto& r : app.records().List(req.ctx, type, q).items)
                           for (const char* s : states)
                               if (r.state == s) {
                                   Json j = {{"id", r.id}, {"title", r.title}, {"state", r.state},
                                             {"next_review", r.next_review ? Json(*r.next_review) : Json(nullptr)},
                                             {"overdue", r.next_review && *r.next_review < today}};
                                   out.push_back(j);
                               }
                       return out;
                   };
                   auto overdue = [](const Json& items) {
                       Json out = Json::array();
                       for (const auto& i : items)
                           if (i["overdue"] == true) out.push_back(i);
                       return out;
                   };
                   Json ncs = open_in("nonconformity", {"open", "analysed"});
                   Json cas = open_in("corrective_action", {"planned", "in_progress", "implemented"});
                   Json imps = open_in("improvement", {"proposed", "approved", "in_progress"});
                   auto readiness = app.readiness().Assess(req.ctx);
                   return Response::FromJson(
                       {{"metrics", {{"on_target", by_status["on_target"]}, {"warning", by_status["warning"]},
                                     {"off_target", by_status["off_target"]}, {"no_data", by_status["no_data"]},
                                     {"attention", off}}},
                        {"nonconformities", {{"open", ncs.size()}, {"overdue", overdue(ncs)}}},
                        {"corrective_actions", {{"open", cas.size()}, {"overdue", overdue(cas)}}},
                        {"improvements", {{"open", imps.size()}, {"overdue", overdue(imps)}}},
                        {"audits", open_in("audit", {"planned", "in_progress", "reporting"})},
                        {"readiness", {{"score", readiness.score}, {"ok", readiness.ok()},
                                       {"mandatory_missing", readiness.mandatory_missing}}}});
               });
}

}  // namespace isms::api

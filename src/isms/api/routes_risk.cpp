// /api/v1/risk/… and /api/v1/risks/…: risk criteria, the threat and vulnerability library, the risk register,
// assessments, treatment, acceptance, the treatment plan's actions, the organisation's own controls and the
// exports (27001 6.1.2, 6.1.3, 8.2, 8.3). Handlers are thin: the rules are in isms/risk.
#include <fmt/format.h>

#include "isms/api/json_schema.hpp"
#include "isms/api/routes.hpp"
#include "isms/risk/select.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/risk/reports.hpp"

namespace isms::api {

namespace {

using risk::Risk;

using schema::Obj;
using schema::Str;
using schema::Int;
using schema::Strs;
using schema::Enum;
using schema::Required;
using schema::Nullable;
using schema::ListOf;

// Score::ToJson, Treatment::ToJson, Acceptance::ToJson, TreatmentAction::ToJson, Assessment::ToJson, Risk::ToJson.
const Json kScore =
    Required(Obj({{"likelihood", Int()}, {"consequence", Int()}, {"criteria_version", Int()}, {"level", Str()}}));
const Json kTreatment = Required(Obj({{"option", Enum(risk::OptionNames())},
                                      {"controls", Strs()},
                                      {"own_controls", Strs()},
                                      {"plan", Str()},
                                      {"residual", Nullable(kScore)},
                                      {"decided_at", Str()},
                                      {"decided_by", Str()}}));
const Json kAcceptance = Required(Obj({{"id", Str()},
                                       {"risk", Str()},
                                       {"person", Str()},
                                       {"recorded_by", Str()},
                                       {"at", Str()},
                                       {"comment", Str()},
                                       {"residual", kScore},
                                       {"authority", Str()},
                                       {"current", {{"type", "boolean"}}}}));
const Json kAction = Required(Obj({{"id", Str()},
                                   {"risk", Str()},
                                   {"title", Str()},
                                   {"owner", Str()},
                                   {"due_date", Str()},
                                   {"status", Enum(risk::ActionStatusNames())},
                                   {"control", Str()},
                                   {"notes", Str()},
                                   {"completed_on", Str()},
                                   {"created_at", Str()},
                                   {"updated_at", Str()},
                                   {"version", Int()}}));
const Json kAssessment = Required(Obj(
    {{"seq", Int()}, {"kind", Str()}, {"at", Str()}, {"actor", Str()}, {"score", kScore}, {"note", Str()}}));
const Json kRisk = Required(Obj({{"id", Str()},
                                 {"title", Str()},
                                 {"description", Str()},
                                 {"approach", Enum({"asset", "scenario"})},
                                 {"scenario", Str()},
                                 {"assets", Strs()},
                                 {"threats", Strs()},
                                 {"vulnerabilities", Strs()},
                                 {"owner", Str()},
                                 {"cia", Strs()},
                                 {"existing_controls", Str()},
                                 {"review_date", Str()},
                                 {"status", Enum(risk::RiskStatusNames())},
                                 {"closed", {{"type", "boolean"}}},
                                 {"inherent", Nullable(kScore)},
                                 {"treatment", Nullable(kTreatment)},
                                 {"acceptance", Nullable(kAcceptance)},
                                 {"actions", {{"type", "array"}, {"items", kAction}}},
                                 {"created_at", Str()},
                                 {"created_by", Str()},
                                 {"updated_at", Str()},
                                 {"version", {{"type", "integer"}, {"description", "changes with every write; also the ETag"}}}}));
// LibraryEntry::ToJson (threats carry origin and affects, vulnerabilities controls), OwnControl::ToJson.
const Json kLibraryEntry = [] {
    Json j = Obj({{"kind", Enum({"threat", "vulnerability"})},
                  {"id", Str()},
                  {"category", Str()},
                  {"name", Str()},
                  {"description", Str()},
                  {"builtin", {{"type", "boolean"}}},
                  {"edited", {{"type", "boolean"}}},
                  {"retired", {{"type", "boolean"}}},
                  {"version", Int()},
                  {"origin", Str()},
                  {"affects", Strs()},
                  {"controls", Strs()}});
    j["required"] = {"kind", "id", "category", "name", "description", "builtin", "edited", "retired", "version"};
    return j;
}();
const Json kOwnControl = Required(Obj({{"id", Str()}, {"title", Str()}, {"description", Str()}, {"version", Int()}}));
// RiskCriteria::ToJson: the scales, the levels (least severe first) and the matrix of level ids.
Json ScaleSchema() {
    return {{"type", "array"},
            {"items",
             {{"type", "object"},
              {"properties", {{"value", Int()}, {"name", Str()}, {"description", Str()}}},
              {"required", {"value", "name", "description"}}}}};
}
const Json kCriteria = {
    {"type", "object"},
    {"properties",
     {{"version", Int()},
      {"likelihood", ScaleSchema()},
      {"consequence", ScaleSchema()},
      {"levels",
       {{"type", "array"},
        {"items",
         {{"type", "object"},
          {"properties",
           {{"id", Str()},
            {"name", Str()},
            {"colour", {{"type", "string"}, {"pattern", "^#[0-9a-fA-F]{6}$"}}},
            {"acceptance", {{"type", "string"}, {"enum", {"risk_owner", "top_management", "not_acceptable"}}}}}},
          {"required", {"id", "name", "colour", "acceptance"}}}}}},
      {"matrix",
       {{"type", "array"},
        {"description", "one row per likelihood step (least first), one level id per consequence step"},
        {"items", {{"type", "array"}, {"items", {{"type", {"string", "null"}}}}}}}},
      {"note", Str()},
      {"created_at", Str()},
      {"created_by", Str()}}},
    {"required", {"likelihood", "consequence", "levels", "matrix", "note"}}};

const Json kRiskInput = Obj({{"title", Str()},
                             {"description", Str()},
                             {"approach", {{"type", "string"}, {"enum", {"asset", "scenario"}}}},
                             {"scenario", Str()},
                             {"assets", Strs()},
                             {"threats", Strs()},
                             {"vulnerabilities", Strs()},
                             {"owner", {{"type", "string"}, {"description", "person record id"}}},
                             {"cia", {{"description", "\"CI\" or [\"C\", \"I\"]"}}},
                             {"existing_controls", Str()},
                             {"review_date", {{"type", "string"}, {"format", "date"}}},
                             {"likelihood", Int()},
                             {"consequence", Int()},
                             {"note", Str()},
                             {"closed", {{"type", "boolean"}}}});
const Json kTreatmentInput = Obj({{"option", {{"type", "string"}, {"enum", risk::OptionNames()}}},
                                  {"controls", Strs()},
                                  {"own_controls", Strs()},
                                  {"plan", Str()},
                                  {"residual_likelihood", Int()},
                                  {"residual_consequence", Int()}});
const Json kActionInput = Obj({{"title", Str()},
                               {"owner", Str()},
                               {"due_date", {{"type", "string"}, {"format", "date"}}},
                               {"status", {{"type", "string"}, {"enum", risk::ActionStatusNames()}}},
                               {"control", Str()},
                               {"notes", Str()}});
const Json kLibraryInput = Obj({{"id", Str()},
                                {"category", Str()},
                                {"name", Str()},
                                {"description", Str()},
                                {"origin", Str()},
                                {"affects", Strs()},
                                {"controls", Strs()},
                                {"retired", {{"type", "boolean"}}}});

Response WithETag(Response r, int64_t version) {
    r.headers.emplace_back("ETag", VersionETag(version));
    return r;
}

// A risk answer that also says, in "notices", what the change ended.
Json WithNotices(Json schema) {
    schema["properties"]["notices"] = Strs();
    schema["required"].push_back("notices");
    return schema;
}

Response RiskResponse(const Risk& k, int status = 200) { return WithETag(Response::FromJson(k.ToJson(), status), k.row_version); }

bool Flag(const Request& req, const std::string& name, bool def) {
    if (!req.HasQuery(name)) return def;
    std::string v = req.Query(name);
    if (v == "true" || v == "1" || v == "yes" || v.empty()) return true;
    if (v == "false" || v == "0" || v == "no") return false;
    throw Error::InvalidInput(fmt::format("'{}' is not true or false", v), {{name, "not a boolean", {"true", "false"}}});
}

int IntParam(const std::string& text, const std::string& name) {
    try {
        size_t used = 0;
        int v = std::stoi(text, &used);
        if (used == text.size()) return v;
    } catch (const std::exception&) {
    }
    throw Error::InvalidInput(fmt::format("'{}' is not a whole number", text), {{name, "not a number"}});
}

}  // namespace

void RegisterRiskRoutes(Router& router, app::App& app) {
    // Criteria --------------------------------------------------------------------------------------------
    router.Add("GET", "/api/v1/risk/criteria",
               {.summary = "The current risk criteria: scales, matrix, levels and acceptance; ETag is the version",
                .tag = "risk",
                .response_schema = kCriteria,
                .errors = {}},
               [&app](Request& req) {
                   auto c = app.risk_criteria().Current(req.ctx);
                   return WithETag(Response::FromJson(c.ToJson()), c.version);
               });
    router.Add("PUT", "/api/v1/risk/criteria",
               {.summary = "Store new risk criteria as the next version (needs the SoA-approval authority)",
                .tag = "risk",
                .params = {IfMatchParam("the current criteria version")},
                .request_schema = Obj({{"likelihood", {{"type", "array"}}},
                                       {"consequence", {{"type", "array"}}},
                                       {"levels", {{"type", "array"}}},
                                       {"matrix", {{"type", "array"}}},
                                       {"note", Str()}}),
                .response_schema = kCriteria,
                .errors = {400, 412},
                .success_status = 201},
               [&app](Request& req) {
                   auto c = app.risk_criteria().Set(req.ctx, risk::RiskCriteria::FromJson(req.JsonBody()),
                                                    IfMatchVersion(req));
                   return WithETag(Response::FromJson(c.ToJson(), 201), c.version);
               });
    router.Add("GET", "/api/v1/risk/criteria/versions",
               {.summary = "Every stored version of the risk criteria, oldest first",
                .tag = "risk",
                .response_schema = ListOf(kCriteria),
                .errors = {}},
               [&app](Request& req) {
                   Json items = Json::array();
                   for (const auto& c : app.risk_criteria().History(req.ctx)) items.push_back(c.ToJson());
                   return Response::Items(std::move(items));
               });
    router.Add("GET", "/api/v1/risk/criteria/versions/{version}",
               {.summary = "One version of the risk criteria", .tag = "risk", .response_schema = kCriteria},
               [&app](Request& req) {
                   auto c = app.risk_criteria().Version(req.ctx, IntParam(req.Param("version"), "version"));
                   return WithETag(Response::FromJson(c.ToJson()), c.version);
               });

    // Library ---------------------------------------------------------------------------------------------
    router.Add("GET", "/api/v1/risk/library/{kind}",
               {.summary = "The threat or vulnerability library (kind: threats, vulnerabilities)",
                .tag = "risk",
                .params = {{"include_retired", "query", "also retired entries", false, "boolean"}},
                .response_schema = ListOf(kLibraryEntry)},
               [&app](Request& req) {
                   auto kind = risk::ParseKind(req.Param("kind"));
                   Json items = Json::array();
                   for (const auto& e : app.risk_library().List(req.ctx, kind, Flag(req, "include_retired", false)))
                       items.push_back(e.ToJson());
                   return Response::Items(std::move(items));
               });
    router.Add("POST", "/api/v1/risk/library/{kind}",
               {.summary = "Add the organisation's own threat or vulnerability",
                .tag = "risk",
                .request_schema = kLibraryInput,
                .response_schema = kLibraryEntry,
                .errors = {400, 404, 409}},
               [&app](Request& req) {
                   auto e = app.risk_library().Add(req.ctx, risk::ParseKind(req.Param("kind")),
                                                   risk::LibraryInput::FromJson(req.JsonBody()));
                   return WithETag(Response::FromJson(e.ToJson(), 201), e.row_version);
               });
    router.Add("PATCH", "/api/v1/risk/library/{kind}/{id}",
               {.summary = "Edit or retire a library entry (built-in entries are overlaid, not changed)",
                .tag = "risk",
                .params = {IfMatchParam()},
                .request_schema = kLibraryInput,
                .response_schema = kLibraryEntry,
                .errors = {400, 404, 412}},
               [&app](Request& req) {
                   auto e = app.risk_library().Edit(req.ctx, risk::ParseKind(req.Param("kind")), req.Param("id"),
                                                    risk::LibraryInput::FromJson(req.JsonBody()), IfMatchVersion(req));
                   return WithETag(Response::FromJson(e.ToJson()), e.row_version);
               });

    // Risks -----------------------------------------------------------------------------------------------
    router.Add("GET", "/api/v1/risks",
               {.summary = "The risk register",
                .tag = "risk",
                .params = {{"owner", "query", "only risks of this person"},
                           {"asset", "query", "only risks on this asset"},
                           {"status", "query", "only risks in this status"},
                           {"control", "query", "only risks whose treatment chose this control"},
                           {"include_closed", "query", "also closed risks (default true)", false, "boolean"},
                           {"where", "query", "attribute query over the risks (docs/risk.md), e.g. level in (high, critical)"}},
                .response_schema = ListOf(kRisk),
                .errors = {400}},
               [&app](Request& req) {
                   risk::RiskFilter f;
                   f.owner = req.Query("owner");
                   f.asset = req.Query("asset");
                   f.status = req.Query("status");
                   f.control = req.Query("control");
                   f.include_closed = Flag(req, "include_closed", true);
                   Json items = Json::array();
                   for (const auto& k : risk::SelectRisks(app.risks().List(req.ctx, f), req.Query("where")))
                       items.push_back(k.ToJson());
                   return Response::Items(std::move(items));
               });
    router.Add("POST", "/api/v1/risks",
               {.summary = "Identify a risk (asset-based or event-based), optionally scored",
                .tag = "risk",
                .request_schema = kRiskInput,
                .response_schema = kRisk,
                .errors = {400}},
               [&app](Request& req) {
                   return RiskResponse(app.risks().Create(req.ctx, risk::RiskInput::FromJson(req.JsonBody())), 201);
               });
    router.Add("POST", "/api/v1/risks/import",
               {.summary = "Create many risks at once: all or nothing, errors name the item",
                .tag = "risk",
                .request_schema = Obj({{"items", {{"type", "array"}, {"items", kRiskInput}}}}),
                .response_schema = ListOf(kRisk),
                .errors = {400}},
               [&app](Request& req) {
                   Json body = req.JsonBody();
                   if (!body.is_object() || !body.contains("items") || !body["items"].is_array())
                       throw Error::InvalidInput("the body needs \"items\": an array of risks", {{"items", "required"}});
                   std::vector<risk::RiskInput> inputs = risk::RisksFromJson(body);
                   Json items = Json::array();
                   for (const auto& k : app.risks().CreateMany(req.ctx, inputs)) items.push_back(k.ToJson());
                   return Response::Items(std::move(items), 201);
               });
    router.Add("GET", "/api/v1/risks/{id}", {.summary = "One risk; ETag is its version", .tag = "risk", .response_schema = kRisk, .errors = {404}},
               [&app](Request& req) { return RiskResponse(app.risks().Get(req.ctx, req.Param("id"))); });
    router.Add("PATCH", "/api/v1/risks/{id}",
               {.summary = "Change a risk (scores given here are a new assessment); closed: true closes it",
                .tag = "risk",
                .params = {IfMatchParam()},
                .request_schema = kRiskInput,
                .response_schema = kRisk,
                .errors = {400, 404, 412}},
               [&app](Request& req) {
                   return RiskResponse(app.risks().Update(req.ctx, req.Param("id"),
                                                          risk::RiskInput::FromJson(req.JsonBody()), IfMatchVersion(req)));
               });
    router.Add("GET", "/api/v1/risks/{id}/assessments",
               {.summary = "A risk's score history: every assessment, oldest first",
                .tag = "risk",
                .response_schema = ListOf(kAssessment),
                .errors = {404}},
               [&app](Request& req) {
                   Json items = Json::array();
                   for (const auto& a : app.risks().History(req.ctx, req.Param("id"))) items.push_back(a.ToJson());
                   return Response::Items(std::move(items));
               });
    router.Add("POST", "/api/v1/risks/{id}/assessments",
               {.summary = "Re-run the assessment of a risk (27001 8.2): a new inherent score, earlier ones kept",
                .tag = "risk",
                .params = {IfMatchParam()},
                .request_schema = Obj({{"likelihood", Int()}, {"consequence", Int()}, {"note", Str()}}),
                .response_schema = WithNotices(kRisk),
                .errors = {400, 404, 409, 412}},
               [&app](Request& req) {
                   Json b = req.JsonBody();
                   if (!b.contains("likelihood") || !b["likelihood"].is_number_integer() || !b.contains("consequence") ||
                       !b["consequence"].is_number_integer())
                       throw Error::InvalidInput("an assessment gives likelihood and consequence as whole numbers",
                                                 {{"likelihood", "required"}, {"consequence", "required"}});
                   auto a = app.risks().Assess(req.ctx, req.Param("id"), b["likelihood"].get<int>(),
                                               b["consequence"].get<int>(), b.value("note", ""), IfMatchVersion(req));
                   // What the new score ended (a removed residual score, an ended acceptance) is said in "notices".
                   return WithETag(Response::FromJson(a.ToJson(), 201), a.risk.row_version);
               });
    router.Add("PUT", "/api/v1/risks/{id}/treatment",
               {.summary = "Decide or change the treatment: option, controls, plan, planned residual score",
                .tag = "risk",
                .params = {IfMatchParam()},
                .request_schema = kTreatmentInput,
                .response_schema = kRisk,
                .errors = {400, 404, 409, 412}},
               [&app](Request& req) {
                   return RiskResponse(app.risks().Treat(req.ctx, req.Param("id"),
                                                         risk::TreatmentInput::FromJson(req.JsonBody()),
                                                         IfMatchVersion(req)));
               });
    router.Add("POST", "/api/v1/risks/{id}/acceptance",
               {.summary = "Accept the residual risk (the risk owner, within the acceptance criteria)",
                .tag = "risk",
                .params = {IfMatchParam()},
                .request_schema = Obj({{"comment", Str()}, {"person", Str()}}),
                .response_schema = kRisk,
                .errors = {400, 404, 409, 412}},
               [&app](Request& req) {
                   return RiskResponse(app.risks().Accept(req.ctx, req.Param("id"),
                                                          risk::AcceptanceInput::FromJson(req.JsonBody()),
                                                          IfMatchVersion(req)),
                                       201);
               });
    router.Add("GET", "/api/v1/risks/{id}/acceptances",
               {.summary = "Every acceptance of a risk's residual risk, oldest first",
                .tag = "risk",
                .response_schema = ListOf(kAcceptance),
                .errors = {404}},
               [&app](Request& req) {
                   Json items = Json::array();
                   for (const auto& a : app.risks().Acceptances(req.ctx, req.Param("id"))) items.push_back(a.ToJson());
                   return Response::Items(std::move(items));
               });

    // Actions ---------------------------------------------------------------------------------------------
    router.Add("POST", "/api/v1/risks/{id}/actions",
               {.summary = "Add an action to a risk's treatment plan",
                .tag = "risk",
                .request_schema = kActionInput,
                .response_schema = kAction,
                .errors = {400, 404, 409}},
               [&app](Request& req) {
                   auto a = app.risks().AddAction(req.ctx, req.Param("id"), risk::ActionInput::FromJson(req.JsonBody()));
                   return WithETag(Response::FromJson(a.ToJson(), 201), a.row_version);
               });
    router.Add("GET", "/api/v1/risk/actions",
               {.summary = "The risk treatment plan: every action, by due date",
                .tag = "risk",
                .params = {{"overdue", "query", "only actions past their due date", false, "boolean"}},
                .response_schema = ListOf(kAction),
                .errors = {400}},
               [&app](Request& req) {
                   bool overdue = Flag(req, "overdue", false);
                   std::string today = time::Today();
                   Json items = Json::array();
                   for (const auto& a : app.risks().Actions(req.ctx))
                       if (!overdue || a.Overdue(today)) items.push_back(a.ToJson());
                   return Response::Items(std::move(items));
               });
    router.Add("GET", "/api/v1/risk/actions/{id}",
               {.summary = "One treatment action; ETag is its version", .tag = "risk", .response_schema = kAction, .errors = {404}},
               [&app](Request& req) {
                   auto a = app.risks().GetAction(req.ctx, req.Param("id"));
                   return WithETag(Response::FromJson(a.ToJson()), a.row_version);
               });
    router.Add("PATCH", "/api/v1/risk/actions/{id}",
               {.summary = "Change a treatment action (status done records the completion date)",
                .tag = "risk",
                .params = {IfMatchParam()},
                .request_schema = kActionInput,
                .response_schema = kAction,
                .errors = {400, 404, 412}},
               [&app](Request& req) {
                   auto a = app.risks().UpdateAction(req.ctx, req.Param("id"), risk::ActionInput::FromJson(req.JsonBody()),
                                                     IfMatchVersion(req));
                   return WithETag(Response::FromJson(a.ToJson()), a.row_version);
               });

    // Own controls ----------------------------------------------------------------------------------------
    router.Add("GET", "/api/v1/risk/own-controls",
               {.summary = "The organisation's own controls (beside Annex A)",
                .tag = "risk",
                .response_schema = ListOf(kOwnControl),
                .errors = {}},
               [&app](Request& req) {
                   Json items = Json::array();
                   for (const auto& c : app.risks().OwnControls(req.ctx)) items.push_back(c.ToJson());
                   return Response::Items(std::move(items));
               });
    router.Add("POST", "/api/v1/risk/own-controls",
               {.summary = "Add a control of the organisation's own",
                .tag = "risk",
                .request_schema = Obj({{"title", Str()}, {"description", Str()}}),
                .response_schema = kOwnControl,
                .errors = {400}},
               [&app](Request& req) {
                   Json b = req.JsonBody();
                   auto c = app.risks().AddOwnControl(req.ctx, b.value("title", ""), b.value("description", ""));
                   return WithETag(Response::FromJson(c.ToJson(), 201), c.row_version);
               });
    router.Add("PATCH", "/api/v1/risk/own-controls/{id}",
               {.summary = "Change a control of the organisation's own",
                .tag = "risk",
                .params = {IfMatchParam()},
                .request_schema = Obj({{"title", Str()}, {"description", Str()}}),
                .response_schema = kOwnControl,
                .errors = {400, 404, 412}},
               [&app](Request& req) {
                   Json b = req.JsonBody();
                   auto opt = [&](const char* k) -> std::optional<std::string> {
                       if (!b.contains(k)) return std::nullopt;
                       if (!b[k].is_string()) throw Error::InvalidInput(fmt::format("'{}' must be a string", k), {{k, "not a string"}});
                       return b[k].get<std::string>();
                   };
                   auto c = app.risks().EditOwnControl(req.ctx, req.Param("id"), opt("title"), opt("description"),
                                                       IfMatchVersion(req));
                   return WithETag(Response::FromJson(c.ToJson()), c.row_version);
               });

    // Exports ---------------------------------------------------------------------------------------------
    router.Add("GET", "/api/v1/risk/register.csv",
               {.summary = "The risk register as CSV", .tag = "risk", .errors = {}, .response_type = "text/csv"},
               [&app](Request& req) {
                   auto d = app.risk_reports().Gather(req.ctx, OrganisationName(app, req.ctx));
                   return Download(io::RenderCsv(risk::RegisterTable(d)), "text/csv; charset=utf-8",
                                   OrganisationSlug(app, req.ctx) + "-risk-register.csv");
               });
    router.Add("GET", "/api/v1/risk/register.xlsx",
               {.summary = "The risk register as a spreadsheet (register, actions, criteria; colours by level)",
                .tag = "risk",
                .errors = {},
                .response_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
               [&app](Request& req) {
                   auto d = app.risk_reports().Gather(req.ctx, OrganisationName(app, req.ctx));
                   return Download(risk::RegisterXlsx(d),
                                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                   OrganisationSlug(app, req.ctx) + "-risk-register.xlsx");
               });
    router.Add("GET", "/api/v1/risk/heatmap.svg",
               {.summary = "Heat map of inherent and residual risk on the current criteria",
                .tag = "risk",
                .errors = {},
                .response_type = "image/svg+xml"},
               [&app](Request& req) {
                   auto d = app.risk_reports().Gather(req.ctx, OrganisationName(app, req.ctx), false);
                   return Response::Raw(risk::HeatMapSvg(d), "image/svg+xml");
               });
    router.Add("GET", "/api/v1/risk/treatment-plan.html",
               {.summary = "The risk treatment plan as a printable HTML report",
                .tag = "risk",
                .errors = {},
                .response_type = "text/html"},
               [&app](Request& req) {
                   auto d = app.risk_reports().Gather(req.ctx, OrganisationName(app, req.ctx), false);
                   return Download(risk::TreatmentPlanHtml(d), "text/html; charset=utf-8",
                                   OrganisationSlug(app, req.ctx) + "-risk-treatment-plan.html");
               });
}

}  // namespace isms::api

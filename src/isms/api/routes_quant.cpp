// /api/v1/quant/…: FAIR estimates per risk, stored simulation runs, what-if simulation.
#include "isms/api/json_schema.hpp"
#include "isms/api/routes.hpp"
#include "isms/core/error.hpp"
#include "isms/quant/quant_service.hpp"

namespace isms::api {

namespace {
Json EstimateJson(const quant::Estimate& e) {
    return {{"risk_id", e.risk_id},
            {"title", e.title},
            {"model", e.model},
            {"updated_at", e.updated_at},
            {"updated_by", e.updated_by}};
}
Json RunJson(const quant::StoredRun& r) {
    return {{"id", r.id},
            {"created_at", r.created_at},
            {"created_by", r.created_by},
            {"options", r.options},
            {"inputs", r.inputs},
            {"result", r.result}};
}
const Json kDist = {{"type", "object"},
                    {"description", "{dist: pert|pert_classic|triangular|uniform|lognormal|constant|poisson, …}"}};
const Json kModel = {{"type", "object"},
                     {"properties",
                      {{"frequency", kDist},
                       {"magnitude", kDist},
                       {"secondary", {{"type", "object"}}},
                       {"decomposition", {{"type", "object"}}},
                       {"treatments", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}};
const Json kOptions = {{"type", "object"},
                       {"properties",
                        {{"years", {{"type", "integer"}}},
                         {"seed", {{"type", "integer"}}},
                         {"threads", {{"type", "integer"}}},
                         {"mode", {{"type", "string"}, {"enum", {"compound", "product"}}}},
                         {"sensitivity", {{"type", "boolean"}}}}}};

// The answers (SimulationResult::ToJson, RunModels, EstimateJson, RunJson), for the typed web client.
using schema::Int;
using schema::Nullable;
using schema::Obj;
using schema::Required;
using schema::Str;
Json Num() { return {{"type", "number"}}; }
Json ArrayOf(Json item) { return {{"type", "array"}, {"items", std::move(item)}}; }
Json SummarySchema() {
    Json p = Json::object();
    for (const char* k : {"mean", "sd", "min", "max", "p50", "p90", "p95", "p99", "p_zero"}) p[k] = Num();
    p["lec"] = ArrayOf(Required(Obj({{"loss", Num()}, {"probability", Num()}})));
    return Required(Obj(p));
}
Json SimulationSchema() {
    Json s = Required(
        Obj({{"portfolio", SummarySchema()},
             {"risks", ArrayOf(Required(Obj({{"id", Str()}, {"title", Str()}, {"mean", Num()}, {"sd", Num()},
                                             {"p_zero", Num()}, {"share_of_mean", Num()}})))},
             {"sensitivity", ArrayOf(Required(Obj({{"risk_id", Str()}, {"input", Str()}, {"mean_low", Num()},
                                                   {"mean_high", Num()}, {"p95_low", Num()}, {"p95_high", Num()},
                                                   {"swing", Num()}})))},
             {"years", Int()},
             {"seed", Int()},
             {"mode", Str()},
             {"residual", {{"type", "boolean"}}},
             {"seconds", Num()}}));
    s["properties"]["engine"] = Int();  // absent from runs stored before engine version 2
    return s;
}
// Inherent, and with treatment effects residual and what the treatments buy.
Json ResultSchema() {
    Json tv = Obj({{"expected_loss_inherent", Num()}, {"expected_loss_residual", Num()}, {"reduction", Num()},
                   {"p95_inherent", Num()}, {"p95_residual", Num()}, {"annual_cost", Num()},
                   {"rosi", Nullable(Num())}, {"reduction_per_unit_cost", Nullable(Num())}});
    Json j = Obj({{"inherent", SimulationSchema()}, {"residual", SimulationSchema()}, {"treatment_value", Required(tv)}});
    j["required"] = {"inherent"};
    return j;
}
Json EstimateSchema() {
    return Required(Obj({{"risk_id", Str()}, {"title", Str()}, {"model", kModel}, {"updated_at", Str()},
                         {"updated_by", Str()}}));
}
Json RunSchema() {
    return Required(Obj({{"id", Str()}, {"created_at", Str()}, {"created_by", Str()}, {"options", {{"type", "object"}}},
                         {"inputs", ArrayOf(kModel)}, {"result", ResultSchema()}}));
}
}  // namespace

void RegisterQuantRoutes(Router& router, app::App& app) {
    auto& q = app.quant();
    router.Add("GET", "/api/v1/quant/estimates", {.summary = "Risks with a quantitative (FAIR) estimate",
                .tag = "quant",
                .response_schema = schema::ListOf(EstimateSchema())},
               [&q](Request& req) {
                   Json items = Json::array();
                   for (const auto& e : q.ListEstimates(req.ctx)) items.push_back(EstimateJson(e));
                   return Response::Items(std::move(items));
               });
    router.Add("GET", "/api/v1/quant/estimates/{risk}", {.summary = "A risk's quantitative estimate", .tag = "quant", .response_schema = EstimateSchema()},
               [&q](Request& req) {
                   auto e = q.GetEstimate(req.ctx, req.Param("risk"));
                   if (!e) throw Error::NotFound("this risk has no quantitative estimate");
                   return Response::FromJson(EstimateJson(*e));
               });
    router.Add("PUT", "/api/v1/quant/estimates/{risk}",
               {.summary = "Set a risk's estimate (frequency, magnitude, secondary loss, FAIR decomposition, "
                           "treatment effects)",
                .tag = "quant",
                .request_schema = kModel,
                .response_schema = EstimateSchema()},
               [&q](Request& req) {
                   return Response::FromJson(EstimateJson(q.SetEstimate(req.ctx, req.Param("risk"), req.JsonBody())));
               });
    router.Add("DELETE", "/api/v1/quant/estimates/{risk}",
               {.summary = "Remove a risk's estimate", .tag = "quant", .response_schema = Json::object()},
               [&q](Request& req) {
                   q.DeleteEstimate(req.ctx, req.Param("risk"));
                   return Response::NoContent();
               });
    router.Add("POST", "/api/v1/quant/runs",
               {.summary = "Simulate the organisation's risks and store the run (inputs, seed, results)",
                .tag = "quant",
                .request_schema = {{"type", "object"},
                                   {"properties",
                                    {{"risks", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                                     {"where", {{"type", "string"}}},
                                     {"options", kOptions}}}},
                .response_schema = RunSchema()},
               [&q](Request& req) {
                   Json body = req.body.empty() ? Json::object() : req.JsonBody();
                   quant::RunRequest r;
                   if (body.contains("risks")) {
                       if (!body["risks"].is_array()) throw Error::InvalidInput("'risks' must be a list of risk ids");
                       for (const auto& id : body["risks"]) {
                           if (!id.is_string()) throw Error::InvalidInput("'risks' must be a list of risk ids");
                           r.risk_ids.push_back(id.get<std::string>());
                       }
                   }
                   if (body.contains("where")) {
                       if (!body["where"].is_string())
                           throw Error::InvalidInput("'where' must be a where-clause (text)", {{"where", "not text"}});
                       r.where = body["where"].get<std::string>();
                   }
                   r.options = quant::QuantService::OptionsFromJson(body.value("options", Json::object()));
                   return Response::FromJson(RunJson(q.Run(req.ctx, r)), 201);
               });
    router.Add("GET", "/api/v1/quant/runs", {.summary = "Stored simulation runs, newest first (result: the inherent mean only)",
                .tag = "quant",
                .response_schema = schema::ListOf(
                    Required(Obj({{"id", Str()}, {"created_at", Str()}, {"created_by", Str()},
                                  {"options", {{"type", "object"}}}, {"result", Required(Obj({{"mean", Num()}}))}})))},
               [&q](Request& req) {
                   Json items = Json::array();
                   for (const auto& r : q.ListRuns(req.ctx)) {
                       Json j = RunJson(r);
                       j.erase("inputs");
                       j["result"] = {{"mean", r.result["inherent"]["portfolio"]["mean"]}};
                       items.push_back(j);
                   }
                   return Response::Items(std::move(items));
               });
    router.Add("GET", "/api/v1/quant/runs/{id}", {.summary = "A stored run with inputs and results", .tag = "quant", .response_schema = RunSchema()},
               [&q](Request& req) { return Response::FromJson(RunJson(q.GetRun(req.ctx, req.Param("id")))); });
    router.Add("GET", "/api/v1/quant/runs/{id}/lec.svg",
               {.summary = "Loss-exceedance curve of a run (SVG)", .tag = "quant", .response_type = "image/svg+xml"},
               [&q](Request& req) {
                   auto r = q.GetRun(req.ctx, req.Param("id"));
                   return Response::Raw(quant::QuantService::LossExceedanceSvg(r.result, "Loss exceedance"),
                                        "image/svg+xml");
               });
    router.Add("POST", "/api/v1/quant/runs/{id}/reproduce",
               {.summary = "Re-simulate a stored run from its inputs and seed and compare",
                .tag = "quant",
                .success_status = 200},
               [&q](Request& req) { return Response::FromJson(q.Reproduce(req.ctx, req.Param("id")), 200); });
    router.Add("POST", "/api/v1/quant/simulate",
               {.summary = "What-if simulation of inline risk models (nothing stored; for forms that update as "
                           "the user types)",
                .tag = "quant",
                .request_schema = {{"type", "object"},
                                   {"required", {"risks"}},
                                   {"properties",
                                    {{"risks", {{"type", "array"}, {"items", kModel}}},
                                     {"options", kOptions},
                                     {"svg", {{"type", "boolean"},
                                              {"description", "also answer the loss-exceedance curve as SVG (lec_svg)"}}}}}},
                .response_schema = [] {
                    Json j = ResultSchema();
                    j["properties"]["lec_svg"] = Str();
                    return j;
                }(),
                .success_status = 200},
               [](Request& req) {
                   Json body = req.JsonBody();
                   if (body.is_object() && body.contains("svg") && !body["svg"].is_boolean())
                       throw Error::InvalidInput("'svg' must be true or false", {{"svg", "not a boolean"}});
                   Json result = quant::QuantService::SimulateInline(req.ctx, body);
                   if (body.value("svg", false))
                       result["lec_svg"] = quant::QuantService::LossExceedanceSvg(result, "Loss exceedance");
                   return Response::FromJson(result, 200);
               });
}

}  // namespace isms::api

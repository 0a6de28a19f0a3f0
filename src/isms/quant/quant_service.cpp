#include "isms/quant/quant_service.hpp"

#include <fmt/format.h>

#include <cmath>
#include <set>

#include "isms/core/crypto.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/io/svg_chart.hpp"

namespace isms::quant {

using store::V;

namespace {

Estimate EstimateFromRow(const store::Row& r) {
    Estimate e;
    e.risk_id = r.Str(0);
    e.model = r.JsonAt(1);
    e.updated_at = r.Str(2);
    e.updated_by = r.Str(3);
    e.title = e.model.value("title", e.risk_id);
    return e;
}

StoredRun RunFromRow(const store::Row& r) {
    return {r.Str(0), r.Str(1), r.Str(2), r.JsonAt(3), r.JsonAt(4), r.JsonAt(5)};
}

// A stored model is the user's JSON with the risk's id and title filled in.
RiskModel ModelOf(const Estimate& e) {
    Json j = e.model;
    j["id"] = e.risk_id;
    if (!j.contains("title")) j["title"] = e.title;
    return RiskModel::FromJson(j, "estimate " + e.risk_id);
}

}  // namespace

SimulationOptions QuantService::OptionsFromJson(const Json& j) {
    SimulationOptions o;
    if (!j.is_object()) return o;
    auto num = [&](const char* k, uint64_t lo, uint64_t hi, uint64_t def) -> uint64_t {
        if (!j.contains(k)) return def;
        if (!j[k].is_number_integer() && !j[k].is_number_unsigned())
            throw Error::InvalidInput(fmt::format("'{}' must be a whole number", k), {{k, "not an integer"}});
        auto v = j[k].get<int64_t>();
        if (v < static_cast<int64_t>(lo) || static_cast<uint64_t>(v) > hi)
            throw Error::InvalidInput(fmt::format("'{}' must be between {} and {}", k, lo, hi),
                                      {{k, fmt::format("{}..{}", lo, hi)}});
        return static_cast<uint64_t>(v);
    };
    o.years = num("years", 1, 10'000'000, 100'000);
    o.seed = num("seed", 0, UINT64_MAX >> 1, 1);
    o.threads = static_cast<int>(num("threads", 0, 64, 0));
    std::string mode = j.value("mode", "compound");
    if (mode == "product") {
        o.mode = Mode::kProduct;
    } else if (mode != "compound") {
        throw Error::InvalidInput("unknown mode '" + mode + "'", {{"mode", "unknown", {"compound", "product"}}});
    }
    o.sensitivity = j.value("sensitivity", false);
    return o;
}

Json QuantService::OptionsToJson(const SimulationOptions& o) {
    return {{"years", o.years},
            {"seed", o.seed},
            {"mode", o.mode == Mode::kProduct ? "product" : "compound"},
            {"sensitivity", o.sensitivity}};
}

Estimate QuantService::SetEstimate(const Context& ctx, const std::string& risk_id, const Json& model) {
    RequirePermission(ctx, Permission::kRiskWrite);
    auto title = lookup_(ctx, risk_id);
    if (!title) throw Error::NotFound(fmt::format("no risk '{}'", risk_id));
    if (!model.is_object()) throw Error::InvalidInput("the estimate must be a JSON object");
    Json m = model;
    m.erase("id");
    m["title"] = *title;
    Json check = m;
    check["id"] = risk_id;
    RiskModel::FromJson(check, "estimate");  // validates; throws naming the field
    Estimate e{risk_id, *title, m, time::NowUtc(), ctx.actor};
    store_.Write(ctx, [&](store::WriteTx& tx) {
        auto before = tx.QueryOne("SELECT model_json FROM quant_estimates WHERE org_id = ? AND risk_id = ?",
                                  {V(ctx.org_id), V(risk_id)});
        if (before) {
            tx.Exec("UPDATE quant_estimates SET model_json = ?, updated_at = ?, updated_by = ? WHERE org_id = ? AND "
                    "risk_id = ?",
                    {V(m.dump()), V(e.updated_at), V(e.updated_by), V(ctx.org_id), V(risk_id)});
        } else {
            tx.Exec("INSERT INTO quant_estimates (org_id, risk_id, model_json, updated_at, updated_by) VALUES (?, ?, "
                    "?, ?, ?)",
                    {V(ctx.org_id), V(risk_id), V(m.dump()), V(e.updated_at), V(e.updated_by)});
        }
        tx.Log(ctx.org_id, "quant_estimate", risk_id, before ? "update" : "create",
               before ? before->JsonAt(0) : Json(nullptr), m);
    });
    return e;
}

std::optional<Estimate> QuantService::GetEstimate(const Context& ctx, const std::string& risk_id) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) -> std::optional<Estimate> {
        auto r = db.QueryOne("SELECT risk_id, model_json, updated_at, updated_by FROM quant_estimates WHERE org_id = ? "
                             "AND risk_id = ?",
                             {V(ctx.org_id), V(risk_id)});
        if (!r) return std::nullopt;
        return EstimateFromRow(*r);
    });
}

std::vector<Estimate> QuantService::ListEstimates(const Context& ctx) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        std::vector<Estimate> out;
        for (const auto& r : db.Query("SELECT risk_id, model_json, updated_at, updated_by FROM quant_estimates WHERE "
                                      "org_id = ? ORDER BY risk_id",
                                      {V(ctx.org_id)}))
            out.push_back(EstimateFromRow(r));
        return out;
    });
}

void QuantService::DeleteEstimate(const Context& ctx, const std::string& risk_id) {
    RequirePermission(ctx, Permission::kRiskWrite);
    store_.Write(ctx, [&](store::WriteTx& tx) {
        auto before = tx.QueryOne("SELECT model_json FROM quant_estimates WHERE org_id = ? AND risk_id = ?",
                                  {V(ctx.org_id), V(risk_id)});
        if (!before) throw Error::NotFound(fmt::format("risk '{}' has no quantitative estimate", risk_id));
        tx.Exec("DELETE FROM quant_estimates WHERE org_id = ? AND risk_id = ?", {V(ctx.org_id), V(risk_id)});
        tx.Log(ctx.org_id, "quant_estimate", risk_id, "delete", before->JsonAt(0), nullptr);
    });
}

Json TreatmentValue(const std::vector<RiskModel>& models, const SimulationResult& inherent,
                    const SimulationResult& residual) {
    double cost = 0;
    for (const auto& m : models) cost += m.AnnualTreatmentCost();
    double reduction = inherent.portfolio.mean - residual.portfolio.mean;
    Json j = {{"expected_loss_inherent", inherent.portfolio.mean},
              {"expected_loss_residual", residual.portfolio.mean},
              {"reduction", reduction},
              {"p95_inherent", inherent.portfolio.p95},
              {"p95_residual", residual.portfolio.p95},
              {"annual_cost", cost}};
    j["rosi"] = cost > 0 ? Json((reduction - cost) / cost) : Json(nullptr);
    j["reduction_per_unit_cost"] = cost > 0 ? Json(reduction / cost) : Json(nullptr);
    return j;
}

namespace {
Json RunModels(const std::vector<RiskModel>& models, const SimulationOptions& o) {
    SimulationResult inherent = Simulate(models, o);
    Json result = {{"inherent", inherent.ToJson()}};
    bool treated = false;
    for (const auto& m : models) treated |= !m.treatments.empty();
    if (treated) {
        SimulationOptions ro = o;
        ro.residual = true;
        SimulationResult residual = Simulate(models, ro);
        result["residual"] = residual.ToJson();
        result["treatment_value"] = TreatmentValue(models, inherent, residual);
    }
    return result;
}
// Timings differ between runs; everything else must be reproducible.
Json WithoutTimings(Json j) {
    for (auto key : {"inherent", "residual"})
        if (j.contains(key)) j[key].erase("seconds");
    return j;
}
}  // namespace

StoredRun QuantService::Run(const Context& ctx, const RunRequest& request) {
    RequirePermission(ctx, Permission::kRiskWrite);
    std::vector<Estimate> estimates = ListEstimates(ctx);
    std::vector<RiskModel> models;
    const bool has_where = request.where.find_first_not_of(" \t\r\n") != std::string::npos;
    if (has_where) {
        if (!select_) throw Error::InvalidInput("this installation cannot select risks with a where-clause");
        auto ids = select_(ctx, request.where);
        std::set<std::string> selected(ids.begin(), ids.end());
        std::set<std::string> named(request.risk_ids.begin(), request.risk_ids.end());
        for (const auto& e : estimates)
            if (selected.count(e.risk_id) && (named.empty() || named.count(e.risk_id))) models.push_back(ModelOf(e));
        if (models.empty())
            throw Error::InvalidInput(
                fmt::format("no risk with a quantitative estimate matches '{}' ({} risk(s) match, none estimated)",
                            request.where, ids.size()),
                {{"where", "no estimated risk matches"}});
    } else if (request.risk_ids.empty()) {
        for (const auto& e : estimates) models.push_back(ModelOf(e));
    } else {
        for (const auto& id : request.risk_ids) {
            auto it = std::find_if(estimates.begin(), estimates.end(), [&](const auto& e) { return e.risk_id == id; });
            if (it == estimates.end()) {
                if (!lookup_(ctx, id)) throw Error::NotFound(fmt::format("no risk '{}'", id));
                throw Error::InvalidInput(fmt::format("risk '{}' has no quantitative estimate yet", id),
                                          {{"risks", "no estimate: " + id}});
            }
            models.push_back(ModelOf(*it));
        }
    }
    if (models.empty()) throw Error::InvalidInput("no risk has a quantitative estimate yet (isms quant estimate …)");
    StoredRun run;
    run.id = crypto::NewId().substr(0, 12);
    run.created_at = time::NowUtc();
    run.created_by = ctx.actor;
    run.options = OptionsToJson(request.options);
    if (has_where) run.options["where"] = request.where;
    run.inputs = Json::array();
    for (const auto& m : models) run.inputs.push_back(m.ToJson());
    run.result = RunModels(models, request.options);
    store_.Write(ctx, [&](store::WriteTx& tx) {
        tx.Exec("INSERT INTO quant_runs (org_id, id, created_at, created_by, options_json, inputs_json, result_json) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                {V(ctx.org_id), V(run.id), V(run.created_at), V(run.created_by), V(run.options.dump()),
                 V(run.inputs.dump()), V(run.result.dump())});
        tx.Log(ctx.org_id, "quant_run", run.id, "create", nullptr,
               Json{{"options", run.options},
                    {"risks", run.inputs.size()},
                    {"mean", run.result["inherent"]["portfolio"]["mean"]}});
    });
    return run;
}

StoredRun QuantService::GetRun(const Context& ctx, const std::string& run_id) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        auto r = db.QueryOne("SELECT id, created_at, created_by, options_json, inputs_json, result_json FROM "
                             "quant_runs WHERE org_id = ? AND id = ?",
                             {V(ctx.org_id), V(run_id)});
        if (!r) throw Error::NotFound(fmt::format("no simulation run '{}'", run_id));
        return RunFromRow(*r);
    });
}

std::vector<StoredRun> QuantService::ListRuns(const Context& ctx, int limit) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        std::vector<StoredRun> out;
        for (const auto& r : db.Query("SELECT id, created_at, created_by, options_json, '[]', result_json FROM "
                                      "quant_runs WHERE org_id = ? ORDER BY created_at DESC LIMIT ?",
                                      {V(ctx.org_id), V(static_cast<int64_t>(limit))}))
            out.push_back(RunFromRow(r));
        return out;
    });
}

Json QuantService::Reproduce(const Context& ctx, const std::string& run_id) {
    StoredRun run = GetRun(ctx, run_id);
    std::vector<RiskModel> models;
    int i = 0;
    for (const auto& m : run.inputs) models.push_back(RiskModel::FromJson(m, fmt::format("inputs[{}]", i++)));
    SimulationOptions o = OptionsFromJson(run.options);
    Json again = RunModels(models, o);
    bool same = WithoutTimings(again) == WithoutTimings(run.result);
    const Json& before = run.result["inherent"];
    const int engine = before.value("engine", 1);
    Json out = {{"run", run_id},
                {"identical", same},
                {"engine", {{"run", engine}, {"current", kEngineVersion}}},
                {"result", again}};
    if (!same && engine != kEngineVersion) {
        // Another generation of the samplers: other draws of the same laws. The two inherent means are then
        // independent estimates of one expectation; they should differ by less than four standard errors.
        const Json& now = again["inherent"]["portfolio"];
        double n = static_cast<double>(o.years);
        double sd1 = before["portfolio"].value("sd", 0.0), sd2 = now.value("sd", 0.0);
        double diff = std::fabs(before["portfolio"].value("mean", 0.0) - now.value("mean", 0.0));
        double bound = 4 * std::sqrt((sd1 * sd1 + sd2 * sd2) / n);
        out["consistent"] = diff <= bound;
        out["note"] = fmt::format(
            "the run was made by engine version {}, this installation simulates with version {} (the same model "
            "drawn with other random numbers): figures agree in distribution, not bit for bit; the inherent means "
            "differ by {:.6g}, {} four standard errors ({:.6g})",
            engine, kEngineVersion, diff, diff <= bound ? "within" : "MORE than", bound);
    }
    return out;
}

Json QuantService::SimulateInline(const Context& ctx, const Json& body) {
    RequirePermission(ctx, Permission::kRead);
    if (!body.is_object() || !body.contains("risks") || !body["risks"].is_array())
        throw Error::InvalidInput("the body needs 'risks': a list of risk models", {{"risks", "required"}});
    if (body["risks"].size() > 1000) throw Error::InvalidInput("at most 1,000 risks per what-if simulation");
    std::vector<RiskModel> models;
    int i = 0;
    for (const auto& m : body["risks"]) models.push_back(RiskModel::FromJson(m, fmt::format("risks[{}]", i++)));
    SimulationOptions o = OptionsFromJson(body.value("options", Json::object()));
    if (!body.value("options", Json::object()).contains("years")) o.years = 20000;
    if (o.years > 1'000'000) throw Error::InvalidInput("at most 1,000,000 years for a what-if simulation");
    return RunModels(models, o);
}

std::string QuantService::LossExceedanceSvg(const Json& result, const std::string& title) {
    io::LineChart c;
    c.title = title;
    c.log_x = true;
    c.percent_y = true;
    c.x_label = "annual loss";
    c.y_label = "probability of exceeding";
    auto series = [&](const char* key, const char* name, const char* colour) {
        if (!result.contains(key)) return;
        io::LineSeries s{name, colour, {}};
        for (const auto& p : result[key]["portfolio"]["lec"])
            s.points.emplace_back(p["loss"].get<double>(), p["probability"].get<double>());
        c.series.push_back(std::move(s));
    };
    series("inherent", "inherent", "#b3261e");
    series("residual", "residual", "#1b6e3a");
    return io::RenderSvg(c);
}

}  // namespace isms::quant

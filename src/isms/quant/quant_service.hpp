// Quantitative risk analysis for an organisation: FAIR estimates stored beside the qualitative risks, and
// simulation runs stored with their inputs, options and seed so any figure can be reproduced.
//
// Permissions: reading needs kRead; setting estimates and running simulations needs kRiskWrite.
// Errors: an unknown risk id is kNotFound; an invalid estimate is kInvalidInput naming the field.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "isms/core/context.hpp"
#include "isms/quant/model.hpp"
#include "isms/store/store.hpp"

namespace isms::quant {

// Finds a risk of the caller's organisation: its title, or nullopt when it does not exist (there).
using RiskLookup = std::function<std::optional<std::string>(const Context&, const std::string& risk_id)>;
// The ids of the risks a where-clause of the attribute query language selects (risk/select.hpp); throws
// kInvalidInput for a bad clause.
using RiskSelector = std::function<std::vector<std::string>(const Context&, const std::string& where)>;

struct Estimate {
    std::string risk_id;
    std::string title;
    Json model;  // as accepted by RiskModel::FromJson (without id/title)
    std::string updated_at, updated_by;
};

struct RunRequest {
    std::vector<std::string> risk_ids;  // empty = every risk with an estimate
    // A where-clause over the risks (risk/select.hpp): the risks it selects that have an estimate (with
    // risk_ids: those among them). Kept with the run's options.
    std::string where;
    SimulationOptions options;
};

struct StoredRun {
    std::string id;
    std::string created_at, created_by;
    Json options;  // years, seed, threads, mode, residual
    Json inputs;   // the risk models simulated
    Json result;   // SimulationResult::ToJson (+ inherent/residual comparison when treatments exist)
};

class QuantService {
public:
    QuantService(store::Store& store, RiskLookup lookup, RiskSelector select = {})
        : store_(store), lookup_(std::move(lookup)), select_(std::move(select)) {}

    Estimate SetEstimate(const Context& ctx, const std::string& risk_id, const Json& model);
    std::optional<Estimate> GetEstimate(const Context& ctx, const std::string& risk_id);
    std::vector<Estimate> ListEstimates(const Context& ctx);
    void DeleteEstimate(const Context& ctx, const std::string& risk_id);

    // Simulates (inherent, and residual when any treatment effect exists) and stores the run.
    StoredRun Run(const Context& ctx, const RunRequest& request);
    StoredRun GetRun(const Context& ctx, const std::string& run_id);
    std::vector<StoredRun> ListRuns(const Context& ctx, int limit = 50);
    // Re-simulates a stored run from its stored inputs and seed; the result must equal the stored one.
    Json Reproduce(const Context& ctx, const std::string& run_id);

    // A what-if simulation of models given inline (the web form): nothing stored. kRead suffices.
    static Json SimulateInline(const Context& ctx, const Json& body);
    // Loss-exceedance curve(s) of a stored result as SVG (inherent and, if present, residual).
    static std::string LossExceedanceSvg(const Json& result, const std::string& title);
    // Parses "years", "seed", "threads", "mode" ("compound"|"product") from JSON, with limits.
    static SimulationOptions OptionsFromJson(const Json& j);
    static Json OptionsToJson(const SimulationOptions& o);

private:
    store::Store& store_;
    RiskLookup lookup_;
    RiskSelector select_;
};

// Compares inherent and residual results: reduction of expected annual loss, treatment cost, and return on
// security investment ((reduction − cost) / cost).
Json TreatmentValue(const std::vector<RiskModel>& models, const SimulationResult& inherent,
                    const SimulationResult& residual);

}  // namespace isms::quant

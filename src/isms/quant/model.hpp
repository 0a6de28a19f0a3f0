// The quantitative (Open FAIR) model of one risk and the simulation of a portfolio.
//
// Annual loss of a risk (compound mode, the default): draw the loss-event rate λ from the frequency
// distribution (or, with the FAIR decomposition, draw threat events ~ Poisson(TEF) and keep each one whose
// threat capability exceeds the resistance strength), draw the event count K ~ Poisson(λ), and sum one
// magnitude per event (primary, plus secondary with its probability). Product mode reproduces pyfair:
// LEF × (primary + secondary), one magnitude per simulated year, no event counts.
//
// A portfolio is simulated year by year in blocks; each (risk, block) pair draws from its own stream
// (seed, risk id, block), so results are identical for any thread count and any order of risks.
// Memory: one double per simulated year for the portfolio (plus one per year for sensitivity runs); no
// per-event storage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "isms/core/json.hpp"
#include "isms/quant/distribution.hpp"

namespace isms::quant {

struct Decomposition {
    Distribution threat_event_frequency;  // threat events per year (rate of a Poisson process)
    Distribution threat_capability;       // 0–100 scale, say
    Distribution resistance_strength;     // same scale
};

struct SecondaryLoss {
    double probability = 1.0;  // chance that a loss event also causes secondary loss
    Distribution magnitude;
};

// The expected effect of a treatment on the risk (27005: modify the likelihood or the consequence).
struct TreatmentEffect {
    std::string name;
    double frequency_factor = 1.0;  // λ multiplied by this (0.6 = 40 % fewer loss events)
    double magnitude_factor = 1.0;  // every loss multiplied by this
    double annual_cost = 0.0;       // cost of the treatment per year (for return on security investment)
};

struct RiskModel {
    std::string id;     // stream key: results for a risk depend on its id, not its position
    std::string title;
    Distribution frequency;                       // loss events per year (rate)
    std::optional<Decomposition> decomposition;   // replaces `frequency` when set
    Distribution primary;                         // loss per event
    std::optional<SecondaryLoss> secondary;
    std::vector<TreatmentEffect> treatments;      // applied for residual runs

    // {"id","title","frequency":{dist…} | "decomposition":{tef,tcap,rs}, "magnitude":{dist…} |
    //  "primary":{dist…}, "secondary":{"probability":p,"magnitude":{dist…}}, "treatments":[{…}]}
    // Throws kInvalidInput naming the field (e.g. "risks[3].frequency.max").
    static RiskModel FromJson(const Json& j, const std::string& where);
    Json ToJson() const;
    // The model with its treatments' effects applied.
    RiskModel Residual() const;
    double AnnualTreatmentCost() const;
    // Expected annual loss, analytically (compound mode): E[λ]·E[X].
    double AnalyticMean() const;
};

enum class Mode { kCompound, kProduct };

// The generation of the samplers. The same model, seed and options give the same figures bit for bit under one
// engine version on every processor and thread count; a new version (other random draws, the same laws) gives
// figures that agree in distribution only. Stored runs record it ("engine"; runs without it are version 1).
//   1  one value at a time from a single xoshiro256++ stream per (risk, block)
//   2  batches of years drawn with vectorised kernels from four interleaved xoshiro256++ streams
inline constexpr int kEngineVersion = 2;

struct SimulationOptions {
    uint64_t years = 100000;
    uint64_t seed = 1;
    int threads = 0;        // 0 = all cores
    Mode mode = Mode::kCompound;
    bool residual = false;  // apply treatment effects
    std::vector<double> lec_points;  // extra loss amounts for the loss-exceedance curve
    int lec_auto_points = 40;        // log-spaced points between the 1st percentile and the maximum
    bool sensitivity = false;
    uint64_t sensitivity_years = 50000;
};

struct Summary {
    double mean = 0, sd = 0, min = 0, max = 0;
    double p50 = 0, p90 = 0, p95 = 0, p99 = 0;
    double p_zero = 0;  // probability of a year without loss
    std::vector<std::pair<double, double>> lec;  // (loss amount, P(annual loss > amount))
};

struct RiskContribution {
    std::string id, title;
    double mean = 0, sd = 0, p_zero = 0;
    double share_of_mean = 0;  // this risk's mean / portfolio mean
};

struct Sensitivity {
    std::string risk_id;
    std::string input;            // "frequency", "magnitude", "secondary"
    double mean_low = 0, mean_high = 0;  // portfolio mean with the input at −10 % and +10 %
    double p95_low = 0, p95_high = 0;
    double swing = 0;             // |p95_high − p95_low|: how much this input moves the tail
};

struct SimulationResult {
    Summary portfolio;
    std::vector<RiskContribution> risks;   // sorted by share of the mean, largest first
    std::vector<Sensitivity> sensitivity;  // sorted by swing, largest first
    uint64_t years = 0, seed = 0;
    Mode mode = Mode::kCompound;
    bool residual = false;
    double seconds = 0;
    int engine = kEngineVersion;
    Json ToJson() const;
};

// Throws kInvalidInput for no risks, zero years, duplicate risk ids, or more than 100 million years.
SimulationResult Simulate(const std::vector<RiskModel>& risks, const SimulationOptions& options);

// Simulates annual losses into `out` (size = years): the portfolio total per year. Exposed for benchmarks
// and tests; Simulate() adds the statistics.
void SimulateAnnualLosses(const std::vector<RiskModel>& risks, const SimulationOptions& options,
                          std::vector<double>& out, std::vector<RiskContribution>* per_risk = nullptr);

// Statistics of a sample (sorted in place): numpy-compatible linear-interpolation percentiles.
Summary Summarise(std::vector<double>& sample, const SimulationOptions& options);
double Percentile(const std::vector<double>& sorted, double p);

}  // namespace isms::quant

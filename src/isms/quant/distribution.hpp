// Input distributions of the FAIR engine: what a user estimates, as calibrated ranges.
//
// Kinds and parameters (validated by Validate; impossible inputs throw Error kInvalidInput naming the field):
//   pert        min, mode, max, gamma (confidence, default 4): modified PERT = min + (max-min)·Beta(α, β),
//               α = 1 + γ(mode-min)/(max-min), β = 1 + γ(max-mode)/(max-min) (Vose). min = mode = max is a
//               constant.
//   pert_classic min, mode, max, gamma: pyfair's method-of-moments Beta (mean (min+γ·mode+max)/(γ+2),
//               sd (max-min)/(γ+2)); for the pyfair-compatible mode only.
//   triangular  min, mode, max
//   uniform     min, max
//   lognormal   low, high: the 5th and 95th percentiles (a 90 % confidence interval), 0 < low < high
//   constant    value
// All amounts and rates must be ≥ 0.
#pragma once

#include <string>
#include <string_view>

#include "isms/core/json.hpp"
#include "isms/quant/random.hpp"

namespace isms::quant {

enum class DistKind { kPert, kPertClassic, kTriangular, kUniform, kLognormal, kConstant };

struct Distribution {
    DistKind kind = DistKind::kConstant;
    double a = 0;      // min | low | value
    double m = 0;      // mode
    double b = 0;      // max | high
    double gamma = 4;  // PERT confidence
    // Derived by Prepare(): Beta shape for PERT kinds, mu/sigma for lognormal.
    double p1 = 0, p2 = 0;

    // Parses {"dist": "pert", "min": …, "mode": …, "max": …, "gamma": …} and the other kinds; `where`
    // names the input in error messages (e.g. "frequency"). Validates and prepares.
    static Distribution FromJson(const Json& j, const std::string& where);
    Json ToJson() const;
    static Distribution Constant(double v);

    // Throws kInvalidInput naming `where` and the parameter when the inputs are impossible.
    void Validate(const std::string& where) const;
    void Prepare();

    double Sample(Stream& s) const {
        switch (kind) {
            case DistKind::kPert:
            case DistKind::kPertClassic: return p1 == 0 ? a : a + (b - a) * s.Beta(p1, p2);
            case DistKind::kTriangular: return SampleTriangular(s.Uniform());
            case DistKind::kUniform: return a + (b - a) * s.Uniform();
            case DistKind::kLognormal: return std::exp(p1 + p2 * s.Normal());
            case DistKind::kConstant: return a;
        }
        return 0;
    }
    // out[0..n) drawn from this distribution, n ≤ Stream::kBatch (the vectorised path of the engine).
    void SampleBatch(Stream& s, double* out, size_t n) const;
    double Mean() const;
    double Variance() const;
    // Exact cumulative distribution function (for tests and explanations).
    double Cdf(double x) const;
    // A copy with every amount multiplied by f (treatment effects, sensitivity).
    Distribution Scaled(double f) const;

private:
    double SampleTriangular(double u) const;
};

std::string_view DistKindName(DistKind k);

// Regularised incomplete beta function I_x(a, b) (continued fraction), for the PERT CDF.
double IncompleteBeta(double a, double b, double x);

// The z of the 95th percentile of the standard normal.
inline constexpr double kZ95 = 1.6448536269514722;

}  // namespace isms::quant

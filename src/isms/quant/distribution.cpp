#include "isms/quant/distribution.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "isms/core/error.hpp"
#include "isms/quant/kernels.hpp"

namespace isms::quant {

std::string_view DistKindName(DistKind k) {
    switch (k) {
        case DistKind::kPert: return "pert";
        case DistKind::kPertClassic: return "pert_classic";
        case DistKind::kTriangular: return "triangular";
        case DistKind::kUniform: return "uniform";
        case DistKind::kLognormal: return "lognormal";
        case DistKind::kConstant: return "constant";
    }
    return "constant";
}

Distribution Distribution::Constant(double v) {
    Distribution d;
    d.kind = DistKind::kConstant;
    d.a = v;
    return d;
}

namespace {
double Num(const Json& j, const char* key, const std::string& where, bool required = true, double def = 0) {
    if (!j.contains(key)) {
        if (!required) return def;
        throw Error::InvalidInput(fmt::format("{}: '{}' is required", where, key), {{where + "." + key, "required"}});
    }
    const Json& v = j.at(key);
    if (!v.is_number())
        throw Error::InvalidInput(fmt::format("{}: '{}' must be a number", where, key),
                                  {{where + "." + key, "must be a number"}});
    double d = v.get<double>();
    if (!std::isfinite(d))
        throw Error::InvalidInput(fmt::format("{}: '{}' must be finite", where, key), {{where + "." + key, "not finite"}});
    return d;
}
}  // namespace

Distribution Distribution::FromJson(const Json& j, const std::string& where) {
    if (j.is_number()) {
        Distribution d = Constant(j.get<double>());
        d.Validate(where);
        return d;
    }
    if (!j.is_object())
        throw Error::InvalidInput(fmt::format("{}: a distribution object is expected", where), {{where, "not an object"}});
    std::string kind = j.value("dist", "");
    // Names used by other FAIR tools are accepted as aliases.
    if (kind == "pert_modified") kind = "pert";
    if (kind == "lognormal_ci90") kind = "lognormal";
    Distribution d;
    if (kind == "pert" || kind == "pert_classic") {
        d.kind = kind == "pert" ? DistKind::kPert : DistKind::kPertClassic;
        d.a = Num(j, "min", where);
        d.m = Num(j, "mode", where);
        d.b = Num(j, "max", where);
        d.gamma = Num(j, "gamma", where, false, 4.0);
    } else if (kind == "triangular") {
        d.kind = DistKind::kTriangular;
        d.a = Num(j, "min", where);
        d.m = Num(j, "mode", where);
        d.b = Num(j, "max", where);
    } else if (kind == "uniform") {
        d.kind = DistKind::kUniform;
        d.a = Num(j, "min", where);
        d.b = Num(j, "max", where);
    } else if (kind == "lognormal") {
        d.kind = DistKind::kLognormal;
        d.a = Num(j, "low", where);
        d.b = Num(j, "high", where);
    } else if (kind == "constant") {
        d.kind = DistKind::kConstant;
        d.a = Num(j, "value", where);
    } else {
        throw Error::InvalidInput(
            fmt::format("{}: unknown distribution '{}'", where, kind),
            {{where + ".dist", "unknown", {"pert", "pert_classic", "triangular", "uniform", "lognormal", "constant"}}});
    }
    d.Validate(where);
    d.Prepare();
    return d;
}

Json Distribution::ToJson() const {
    switch (kind) {
        case DistKind::kPert:
        case DistKind::kPertClassic:
            return {{"dist", DistKindName(kind)}, {"min", a}, {"mode", m}, {"max", b}, {"gamma", gamma}};
        case DistKind::kTriangular: return {{"dist", "triangular"}, {"min", a}, {"mode", m}, {"max", b}};
        case DistKind::kUniform: return {{"dist", "uniform"}, {"min", a}, {"max", b}};
        case DistKind::kLognormal: return {{"dist", "lognormal"}, {"low", a}, {"high", b}};
        case DistKind::kConstant: return {{"dist", "constant"}, {"value", a}};
    }
    return nullptr;
}

void Distribution::Validate(const std::string& where) const {
    auto bad = [&](const std::string& field, const std::string& msg) {
        throw Error::InvalidInput(fmt::format("{}: {}", where, msg), {{where + "." + field, msg}});
    };
    switch (kind) {
        case DistKind::kPert:
        case DistKind::kPertClassic:
        case DistKind::kTriangular:
            if (a < 0) bad("min", "must not be negative");
            if (!(a <= m)) bad("mode", fmt::format("mode {} is below min {}", m, a));
            if (!(m <= b)) bad("max", fmt::format("max {} is below mode {}", b, m));
            if (kind != DistKind::kTriangular && !(gamma > 0)) bad("gamma", "must be positive");
            if (kind == DistKind::kPertClassic && a == b) bad("max", "must exceed min");
            break;
        case DistKind::kUniform:
            if (a < 0) bad("min", "must not be negative");
            if (!(a <= b)) bad("max", fmt::format("max {} is below min {}", b, a));
            break;
        case DistKind::kLognormal:
            if (!(a > 0)) bad("low", "must be positive (it is the 5th percentile of a lognormal)");
            if (!(a < b)) bad("high", fmt::format("the 95th percentile {} must exceed the 5th percentile {}", b, a));
            break;
        case DistKind::kConstant:
            if (a < 0) bad("value", "must not be negative");
            break;
    }
}

void Distribution::Prepare() {
    p1 = p2 = 0;
    if (kind == DistKind::kPert && b > a) {
        p1 = 1.0 + gamma * (m - a) / (b - a);
        p2 = 1.0 + gamma * (b - m) / (b - a);
    } else if (kind == DistKind::kPertClassic && b > a) {
        double r = b - a;
        double mean = (a + gamma * m + b) / (gamma + 2);
        double sd = r / (gamma + 2);
        if (mean <= a || mean >= b) {
            p1 = 0;  // degenerate: behaves as a constant at min
        } else {
            p1 = (mean - a) / r * ((mean - a) * (b - mean) / (sd * sd) - 1);
            p2 = p1 * (b - mean) / (mean - a);
        }
    } else if (kind == DistKind::kLognormal) {
        p1 = 0.5 * (std::log(a) + std::log(b));
        p2 = (std::log(b) - std::log(a)) / (2.0 * kZ95);
    }
}

void Distribution::SampleBatch(Stream& s, double* out, size_t n) const {
    switch (kind) {
        case DistKind::kPert:
        case DistKind::kPertClassic: {
            if (p1 == 0) break;
            double y[Stream::kBatch];
            s.Gammas(p1, out, n);
            s.Gammas(p2, y, n);
            kernels::BetaFromGammas(out, y, a, b - a, out, n);
            return;
        }
        case DistKind::kTriangular:
            s.Uniforms(out, n);
            for (size_t i = 0; i < n; ++i) out[i] = SampleTriangular(out[i]);
            return;
        case DistKind::kUniform:
            s.Uniforms(out, n);
            kernels::AffineInPlace(out, a, b - a, n);
            return;
        case DistKind::kLognormal:
            s.Normals(out, n);
            kernels::AffineInPlace(out, p1, p2, n);
            kernels::ExpInPlace(out, n);
            return;
        case DistKind::kConstant: break;
    }
    std::fill(out, out + n, a);  // constants, and PERT with min = max
}

double Distribution::SampleTriangular(double u) const {
    if (b == a) return a;
    double fc = (m - a) / (b - a);
    if (u < fc) return a + std::sqrt(u * (b - a) * (m - a));
    return b - std::sqrt((1 - u) * (b - a) * (b - m));
}

double Distribution::Mean() const {
    switch (kind) {
        case DistKind::kPert:
        case DistKind::kPertClassic:
            if (p1 == 0) return a;
            return a + (b - a) * p1 / (p1 + p2);
        case DistKind::kTriangular: return (a + m + b) / 3;
        case DistKind::kUniform: return (a + b) / 2;
        case DistKind::kLognormal: return std::exp(p1 + 0.5 * p2 * p2);
        case DistKind::kConstant: return a;
    }
    return 0;
}

double Distribution::Variance() const {
    switch (kind) {
        case DistKind::kPert:
        case DistKind::kPertClassic: {
            if (p1 == 0) return 0;
            double s = p1 + p2;
            return (b - a) * (b - a) * p1 * p2 / (s * s * (s + 1));
        }
        case DistKind::kTriangular: return (a * a + m * m + b * b - a * m - a * b - m * b) / 18;
        case DistKind::kUniform: return (b - a) * (b - a) / 12;
        case DistKind::kLognormal: return (std::exp(p2 * p2) - 1) * std::exp(2 * p1 + p2 * p2);
        case DistKind::kConstant: return 0;
    }
    return 0;
}

double Distribution::Cdf(double x) const {
    switch (kind) {
        case DistKind::kPert:
        case DistKind::kPertClassic:
            if (p1 == 0) return x < a ? 0 : 1;
            if (x <= a) return 0;
            if (x >= b) return 1;
            return IncompleteBeta(p1, p2, (x - a) / (b - a));
        case DistKind::kTriangular:
            if (x <= a) return 0;
            if (x >= b) return 1;
            if (x <= m) return (x - a) * (x - a) / ((b - a) * (m - a));
            return 1 - (b - x) * (b - x) / ((b - a) * (b - m));
        case DistKind::kUniform:
            if (x <= a) return 0;
            if (x >= b) return 1;
            return (x - a) / (b - a);
        case DistKind::kLognormal:
            if (x <= 0) return 0;
            return 0.5 * std::erfc(-(std::log(x) - p1) / (p2 * std::sqrt(2.0)));
        case DistKind::kConstant: return x < a ? 0 : 1;
    }
    return 0;
}

Distribution Distribution::Scaled(double f) const {
    Distribution d = *this;
    d.a *= f;
    d.m *= f;
    d.b *= f;
    d.Prepare();
    return d;
}

// Numerical Recipes' continued fraction for the incomplete beta function (modified Lentz).
namespace {
double BetaContinuedFraction(double a, double b, double x) {
    const double kTiny = 1e-300, kEps = 1e-15;
    double qab = a + b, qap = a + 1, qam = a - 1;
    double c = 1, d = 1 - qab * x / qap;
    if (std::fabs(d) < kTiny) d = kTiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 10000; ++m) {
        int m2 = 2 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1 + aa * d;
        if (std::fabs(d) < kTiny) d = kTiny;
        c = 1 + aa / c;
        if (std::fabs(c) < kTiny) c = kTiny;
        d = 1 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1 + aa * d;
        if (std::fabs(d) < kTiny) d = kTiny;
        c = 1 + aa / c;
        if (std::fabs(c) < kTiny) c = kTiny;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (std::fabs(del - 1) < kEps) break;
    }
    return h;
}
}  // namespace

double IncompleteBeta(double a, double b, double x) {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    double lbt = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
    double bt = std::exp(lbt);
    if (x < (a + 1) / (a + b + 2)) return bt * BetaContinuedFraction(a, b, x) / a;
    return 1 - bt * BetaContinuedFraction(b, a, 1 - x) / b;
}

}  // namespace isms::quant

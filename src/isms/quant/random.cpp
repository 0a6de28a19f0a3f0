#include "isms/quant/random.hpp"

#include <array>

namespace isms::quant {

namespace {

uint64_t SplitMix(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// Ziggurat tables for the standard normal, 256 layers (Marsaglia & Tsang 2000; tables computed at start).
constexpr int kLayers = 256;
constexpr double kR = 3.6541528853610088;       // x of the base layer's right edge
constexpr double kV = 0.00492867323399;          // area of each layer

struct Ziggurat {
    std::array<double, kLayers + 1> x{};  // layer edges, x[0] = V/f(R) (base strip width), x[256] = 0
    std::array<double, kLayers + 1> f{};  // f(x[i]) = exp(-x^2/2)
    Ziggurat() {
        double fr = std::exp(-0.5 * kR * kR);
        x[0] = kV / fr;
        x[1] = kR;
        f[0] = 0;  // unused for the base
        f[1] = fr;
        for (int i = 2; i < kLayers; ++i) {
            x[i] = std::sqrt(-2.0 * std::log(kV / x[i - 1] + f[i - 1]));
            f[i] = std::exp(-0.5 * x[i] * x[i]);
        }
        x[kLayers] = 0;
        f[kLayers] = 1;
    }
};
const Ziggurat kZig;

}  // namespace

Stream::Stream(uint64_t seed, uint64_t key, uint64_t block) {
    uint64_t x = seed ^ 0x6a09e667f3bcc909ull;
    uint64_t a = SplitMix(x);
    x ^= key * 0xd1342543de82ef95ull;
    uint64_t b = SplitMix(x);
    x ^= block * 0x9e3779b97f4a7c15ull + 0x3c6ef372fe94f82bull;
    uint64_t c = SplitMix(x);
    x += a ^ b ^ c;
    for (auto& s : s_) s = SplitMix(x);
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
    // Warm up so nearby keys decorrelate fully.
    for (int i = 0; i < 8; ++i) Next();
}

double Stream::NormalTail(bool negative) {
    double x, y;
    do {
        x = -std::log(UniformOpen()) / kR;
        y = -std::log(UniformOpen());
    } while (y + y < x * x);
    return negative ? -(kR + x) : kR + x;
}

double Stream::Normal() {
    for (;;) {
        uint64_t r = Next();
        int i = static_cast<int>(r & 0xff);           // layer from the low 8 bits
        bool negative = (r >> 8) & 1;                  // sign from the next bit
        double u = static_cast<double>(r >> 11) * 0x1.0p-53;  // position from the top 53 bits
        // Layer i spans [0, x[i]] horizontally (x[0] is the base strip's extended width).
        double xi = kZig.x[i];
        double z = u * xi;
        if (z < kZig.x[i + 1]) return negative ? -z : z;  // inside the rectangle wholly under the curve
        if (i == 0) return NormalTail(negative);          // the base strip beyond R
        // Wedge: accept under the curve.
        double fy = kZig.f[i] + Uniform() * (kZig.f[i + 1] - kZig.f[i]);
        if (fy < std::exp(-0.5 * z * z)) return negative ? -z : z;
    }
}

double Stream::Gamma(double shape) {
    if (shape < 1.0) {
        // Boost to shape+1 and scale back (Marsaglia & Tsang).
        double g = Gamma(shape + 1.0);
        return g * std::pow(UniformOpen(), 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = Normal();
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        double u = UniformOpen();
        double x2 = x * x;
        if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
        if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
    }
}

uint64_t Stream::Poisson(double lambda) {
    if (lambda <= 0.0) return 0;
    if (lambda < 10.0) {
        // Inversion by sequential search: expected λ+1 steps.
        double p = std::exp(-lambda);
        double s = p;
        double u = Uniform();
        uint64_t k = 0;
        while (u > s) {
            ++k;
            p *= lambda / static_cast<double>(k);
            s += p;
            if (p < 1e-300 && s >= u) break;
            if (k > 1000) break;  // u rounded above the total mass
        }
        return k;
    }
    // PTRS: transformed rejection with squeeze (Hörmann 1993), as numpy does.
    const double slam = std::sqrt(lambda);
    const double loglam = std::log(lambda);
    const double b = 0.931 + 2.53 * slam;
    const double a = -0.059 + 0.02483 * b;
    const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const double vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
        double U = Uniform() - 0.5;
        double V = Uniform();
        double us = 0.5 - std::fabs(U);
        double kd = std::floor((2 * a / us + b) * U + lambda + 0.43);
        if (us >= 0.07 && V <= vr) return static_cast<uint64_t>(kd);
        if (kd < 0 || (us < 0.013 && V > us)) continue;
        if (std::log(V) + std::log(invalpha) - std::log(a / (us * us) + b) <=
            -lambda + kd * loglam - std::lgamma(kd + 1))
            return static_cast<uint64_t>(kd);
    }
}

}  // namespace isms::quant

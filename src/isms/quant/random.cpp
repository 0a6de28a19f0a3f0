#include "isms/quant/random.hpp"

#include <array>
#include <cstring>

#include "isms/quant/kernels.hpp"

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
constexpr double kR = 3.6541528853610088;  // x of the base layer's right edge
constexpr double kV = 0.00492867323399;     // area of each layer

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
    for (auto& lane : s_) {
        for (auto& s : lane) s = SplitMix(x);
        if ((lane[0] | lane[1] | lane[2] | lane[3]) == 0) lane[0] = 1;
    }
    // Warm up so nearby keys decorrelate fully.
    uint64_t skip[32];
    kernels::Xoshiro4Fill(s_, skip, 32);
}

void Stream::Refill(size_t need) {
    // Keep what is left at the front, fill the rest in multiples of four (one value per lane).
    size_t left = end_ - pos_;
    if (left) std::memmove(buf_, buf_ + pos_, left * sizeof(uint64_t));
    pos_ = 0;
    end_ = left;
    size_t fill = (kBuffer - left) & ~size_t{3};
    (void)need;  // need ≤ kBatch ≤ kBuffer − 3 < left + fill whenever left < need
    kernels::Xoshiro4Fill(s_, buf_ + end_, fill);
    end_ += fill;
}

double Stream::NormalTail(bool negative) {
    double x, y;
    do {
        x = -std::log(UniformOpen()) / kR;
        y = -std::log(UniformOpen());
    } while (y + y < x * x);
    return negative ? -(kR + x) : kR + x;
}

// Finishes a draw whose point z (≥ 0) in `layer` fell outside the layer's inner rectangle.
double Stream::NormalWedge(unsigned layer, bool negative, double z) {
    if (layer == 0) return NormalTail(negative);  // the base strip beyond R
    // Wedge: accept under the curve, else start again.
    double fy = kZig.f[layer] + Uniform() * (kZig.f[layer + 1] - kZig.f[layer]);
    if (fy < std::exp(-0.5 * z * z)) return negative ? -z : z;
    return Normal();
}

double Stream::Normal() {
    uint64_t r = Next();
    unsigned i = static_cast<unsigned>(r & 0xff);  // layer from the low 8 bits
    bool negative = (r >> 8) & 1;                   // sign from the next bit
    double z = ToUnit(r) * kZig.x[i];              // position from the top 52 bits
    // Layer i spans [0, x[i]] horizontally (x[0] is the base strip's extended width).
    if (z < kZig.x[i + 1]) return negative ? -z : z;  // inside the rectangle wholly under the curve
    return NormalWedge(i, negative, z);
}

void Stream::Normals(double* out, size_t n) {
    uint64_t tag[kBatch];
    kernels::ZigguratRectangles(Take(n), kZig.x.data(), out, tag, n);
    for (size_t i = 0; i < n; ++i)
        if (tag[i]) out[i] = NormalWedge(tag[i] & 0xff, (tag[i] >> 8) & 1, std::fabs(out[i]));
}

void Stream::Uniforms(double* out, size_t n) { kernels::OpenUniforms(Take(n), out, n); }

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

void Stream::Gammas(double shape, double* out, size_t n) {
    if (shape < 1.0) {
        for (size_t i = 0; i < n; ++i) out[i] = Gamma(shape);
        return;
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    double x[kBatch], u[kBatch];
    unsigned char open[kBatch];
    Normals(x, n);
    Uniforms(u, n);
    kernels::GammaSqueeze(x, u, d, c, out, open, n);
    // About one in ten is left open by the squeeze: the exact test log u < x²/2 + d(1 − v + log v) decides,
    // with both logarithms taken for all of them at once; a rejected pair is replaced by a fresh draw.
    size_t idx[kBatch], m = 0;
    double logs[2 * kBatch];
    for (size_t i = 0; i < n; ++i) {
        if (!open[i]) continue;
        double v = 1.0 + c * x[i];
        if (v <= 0.0) {
            out[i] = Gamma(shape);
            continue;
        }
        idx[m] = i;
        logs[2 * m] = u[i];
        logs[2 * m + 1] = v * v * v;
        ++m;
    }
    kernels::LogInPlace(logs, 2 * m);
    for (size_t j = 0; j < m; ++j) {
        size_t i = idx[j];
        double v = 1.0 + c * x[i];
        v = v * v * v;
        out[i] = logs[2 * j] < 0.5 * x[i] * x[i] + d * (1.0 - v + logs[2 * j + 1]) ? d * v : Gamma(shape);
    }
}

uint64_t Stream::Poisson(double lambda) {
    if (lambda <= 0.0) return 0;
    if (lambda >= 10.0) return PoissonLarge(lambda);
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

void Stream::Poissons(const double* lambda, uint64_t* out, size_t n) {
    double u[kBatch];
    unsigned char open[kBatch];
    Uniforms(u, n);
    kernels::PoissonInversion4(lambda, u, out, open, n);
    for (size_t i = 0; i < n; ++i) {
        if (!open[i]) continue;
        const double lam = lambda[i];
        if (!(lam > 0.0)) {
            out[i] = 0;
        } else if (lam >= 10.0) {
            out[i] = PoissonLarge(lam);
        } else {
            // At least four events: the sequential search goes on with the same u.
            double p = std::exp(-lam), s = p;
            uint64_t k = 0;
            while (u[i] > s) {
                ++k;
                p *= lam / static_cast<double>(k);
                s += p;
                if (p < 1e-300 && s >= u[i]) break;
                if (k > 1000) break;  // u rounded above the total mass
            }
            out[i] = k;
        }
    }
}

// PTRS: transformed rejection with squeeze (Hörmann 1993), as numpy does.
uint64_t Stream::PoissonLarge(double lambda) {
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

// Random streams for the FAIR engine: counter-addressable and fast.
//
// A Stream is four interleaved xoshiro256++ generators whose states are derived (SplitMix64) from (seed,
// stream key, block index): the numbers a risk gets for a block of simulated years depend only on those
// three values, never on thread count, scheduling or the order of risks. Distinct keys give statistically
// independent streams. Values are produced 2,048 at a time by a vectorised kernel (kernels.hpp) and handed
// out in order, one at a time (Next) or as batches.
// Samplers: uniform (52-bit), standard normal (256-layer ziggurat), exponential, gamma (Marsaglia–Tsang),
// beta (two gammas), Poisson (inversion below λ=10, Hörmann's PTRS above). The batch samplers draw the same
// laws as the single ones; they consume the stream in a different order, so a batch and the same number of
// single draws give different (equally distributed) values.
// Thread-safety: a Stream is a value (about 17 KB); use one per thread.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace isms::quant {

// 64-bit FNV-1a of a string: stable stream keys from risk ids.
constexpr uint64_t StreamKey(std::string_view s) {
    uint64_t h = 1469598103934665603ull;
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return h;
}

class Stream {
public:
    // The largest batch a batch sampler takes.
    static constexpr size_t kBatch = 1024;

    Stream(uint64_t seed, uint64_t key, uint64_t block);

    uint64_t Next() {
        if (pos_ == end_) Refill(1);
        return buf_[pos_++];
    }
    // Uniform on [0, 1), 52 random bits.
    double Uniform() { return ToUnit(Next()); }
    // Uniform on (0, 1): never 0, safe for log().
    double UniformOpen() { return ToUnit(Next()) + 0x1.0p-53; }
    double Normal();
    double Exponential() { return -std::log(UniformOpen()); }
    double Gamma(double shape);  // scale 1; shape > 0
    double Beta(double a, double b) {
        double x = Gamma(a);
        double y = Gamma(b);
        return x / (x + y);
    }
    uint64_t Poisson(double lambda);

    // Batches of n ≤ kBatch values.
    void Uniforms(double* out, size_t n);  // on (0, 1)
    void Normals(double* out, size_t n);
    void Gammas(double shape, double* out, size_t n);
    // out[i] ~ Poisson(lambda[i]).
    void Poissons(const double* lambda, uint64_t* out, size_t n);

private:
    static double ToUnit(uint64_t b) {
        uint64_t bits = (b >> 12) | 0x3FF0000000000000ull;
        double d;
        __builtin_memcpy(&d, &bits, sizeof d);
        return d - 1.0;
    }
    // n ≤ kBatch contiguous values, valid until the next draw.
    const uint64_t* Take(size_t n) {
        if (end_ - pos_ < n) Refill(n);
        const uint64_t* p = buf_ + pos_;
        pos_ += n;
        return p;
    }
    void Refill(size_t need);
    double NormalTail(bool negative);
    double NormalWedge(unsigned layer, bool negative, double z);
    uint64_t PoissonLarge(double lambda);

    static constexpr size_t kBuffer = 2 * kBatch;
    uint64_t s_[4][4];
    uint64_t buf_[kBuffer];
    size_t pos_ = 0, end_ = 0;
};

}  // namespace isms::quant

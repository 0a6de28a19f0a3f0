// Random streams for the FAIR engine: counter-addressable and fast.
//
// A Stream is xoshiro256++ whose state is derived (SplitMix64) from (seed, stream key, block index): the
// numbers a risk gets for a block of simulated years depend only on those three values, never on thread
// count, scheduling or the order of risks. Distinct keys give statistically independent streams.
// Samplers: uniform (53-bit), standard normal (256-layer ziggurat), exponential, gamma (Marsaglia–Tsang),
// beta (two gammas), Poisson (inversion below λ=10, Hörmann's PTRS above).
// Thread-safety: a Stream is a value; use one per thread.
#pragma once

#include <cmath>
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
    Stream(uint64_t seed, uint64_t key, uint64_t block);

    uint64_t Next() {
        const uint64_t result = Rotl(s_[0] + s_[3], 23) + s_[0];
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = Rotl(s_[3], 45);
        return result;
    }
    // Uniform on [0, 1).
    double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
    // Uniform on (0, 1): never 0, safe for log().
    double UniformOpen() { return (static_cast<double>(Next() >> 12) + 0.5) * 0x1.0p-52; }
    double Normal();
    double Exponential() { return -std::log(UniformOpen()); }
    double Gamma(double shape);  // scale 1; shape > 0
    double Beta(double a, double b) {
        double x = Gamma(a);
        double y = Gamma(b);
        return x / (x + y);
    }
    uint64_t Poisson(double lambda);

private:
    static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    double NormalTail(bool negative);
    uint64_t s_[4];
};

}  // namespace isms::quant

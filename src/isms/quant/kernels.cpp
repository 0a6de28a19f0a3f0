// Compiled with -O3 -fno-trapping-math (CMakeLists.txt): the loops below have no branch per value, only
// selects, which GCC vectorises once it may assume that comparisons do not trap.
#include "isms/quant/kernels.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

// One copy for processors with AVX2 and FMA (x86-64-v3), one baseline copy; the dynamic loader picks one.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define ISMS_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define ISMS_SIMD_CLONES
#endif

namespace isms::quant::kernels {

namespace {
typedef uint64_t U64x4 __attribute__((vector_size(32)));
}  // namespace

ISMS_SIMD_CLONES void Xoshiro4Fill(uint64_t (&state)[4][4], uint64_t* out, size_t n) {
    U64x4 s0, s1, s2, s3;
    for (int l = 0; l < 4; ++l) {
        s0[l] = state[l][0];
        s1[l] = state[l][1];
        s2[l] = state[l][2];
        s3[l] = state[l][3];
    }
    for (size_t i = 0; i + 4 <= n; i += 4) {
        U64x4 a = s0 + s3;
        U64x4 r = ((a << 23) | (a >> 41)) + s0;
        U64x4 t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 45) | (s3 >> 19);
        std::memcpy(out + i, &r, sizeof r);
    }
    for (int l = 0; l < 4; ++l) {
        state[l][0] = s0[l];
        state[l][1] = s1[l];
        state[l][2] = s2[l];
        state[l][3] = s3[l];
    }
}

namespace {

inline double Exp(double x) {
    constexpr double kLog2e = 1.4426950408889634;
    constexpr double kLn2Hi = 6.93147180369123816490e-01;  // ln 2 split so that k·kLn2Hi is exact
    constexpr double kLn2Lo = 1.90821492927058770002e-10;
    constexpr double kShift = 0x1.8p52;  // adding it rounds to an integer held in the low mantissa bits
    double v = std::min(std::max(x, -708.0), 709.0);
    double t = v * kLog2e + kShift;
    double k = t - kShift;
    uint64_t ki = std::bit_cast<uint64_t>(t);
    double r = (v - k * kLn2Hi) - k * kLn2Lo;
    // e^r on |r| ≤ ln2/2: Taylor series to r^13/13! (truncation below 5e-18 relative).
    double p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    // 2^k from k's low bits (k in [−1022, 1023] after the clamp).
    return p * std::bit_cast<double>((ki + 1023) << 52);
}

}  // namespace

ISMS_SIMD_CLONES void ExpInPlace(double* x, size_t n) {
    for (size_t i = 0; i < n; ++i) x[i] = Exp(x[i]);
}

ISMS_SIMD_CLONES void LogInPlace(double* x, size_t n) {
    constexpr double kLn2Hi = 6.93147180369123816490e-01;
    constexpr double kLn2Lo = 1.90821492927058770002e-10;
    for (size_t i = 0; i < n; ++i) {
        // x = 2^e · m with m in [√½, √2): ln x = e·ln 2 + 2·atanh(s), s = (m − 1)/(m + 1), |s| < 0.172.
        // Counting the exponent from √½'s bits puts m in that range; all in unsigned 64-bit and double
        // arithmetic, which vectorises (no 64-bit arithmetic shift or integer-to-double conversion needed).
        constexpr uint64_t kFrom = 0x3FE6A09E667F3BCDull - (1022ull << 52);
        uint64_t bits = std::bit_cast<uint64_t>(x[i]);
        uint64_t biased = (bits - kFrom) >> 52;  // e + 1022
        double m = std::bit_cast<double>(bits - ((biased - 1022) << 52));
        double ed = std::bit_cast<double>(biased | 0x4330000000000000ull) - (0x1.0p52 + 1022.0);
        double s = (m - 1.0) / (m + 1.0);
        double s2 = s * s;
        // 2·atanh(s) = 2s·(1 + s²/3 + s⁴/5 + …): to s^22 (truncation below 1e-17 for |s| < 0.172).
        double p = 1.0 / 23.0;
        p = p * s2 + 1.0 / 21.0;
        p = p * s2 + 1.0 / 19.0;
        p = p * s2 + 1.0 / 17.0;
        p = p * s2 + 1.0 / 15.0;
        p = p * s2 + 1.0 / 13.0;
        p = p * s2 + 1.0 / 11.0;
        p = p * s2 + 1.0 / 9.0;
        p = p * s2 + 1.0 / 7.0;
        p = p * s2 + 1.0 / 5.0;
        p = p * s2 + 1.0 / 3.0;
        p = p * s2 + 1.0;
        x[i] = (ed * kLn2Hi + 2.0 * s * p) + ed * kLn2Lo;
    }
}

ISMS_SIMD_CLONES void BetaFromGammas(const double* x, const double* y, double lo, double range, double* out,
                                     size_t n) {
    for (size_t i = 0; i < n; ++i) out[i] = lo + range * (x[i] / (x[i] + y[i]));
}

ISMS_SIMD_CLONES void AffineInPlace(double* x, double a, double b, size_t n) {
    for (size_t i = 0; i < n; ++i) x[i] = a + b * x[i];
}

ISMS_SIMD_CLONES void PoissonInversion4(const double* lambda, const double* u, uint64_t* out, unsigned char* open,
                                        size_t n) {
    for (size_t i = 0; i < n; ++i) {
        double lam = lambda[i];
        double p = Exp(-lam);
        double c0 = p;
        p = p * lam;
        double c1 = c0 + p;
        p = p * lam * 0.5;
        double c2 = c1 + p;
        p = p * lam * (1.0 / 3.0);
        double c3 = c2 + p;
        double v = u[i];
        out[i] = static_cast<uint64_t>(v > c0) + static_cast<uint64_t>(v > c1) + static_cast<uint64_t>(v > c2) +
                 static_cast<uint64_t>(v > c3);
        open[i] = (v > c3) | !(lam >= 0.0) | (lam >= 10.0);
    }
}

ISMS_SIMD_CLONES void AddToPortfolio(const double* loss, double* port, size_t n, double& sum, double& sum_squares,
                                     uint64_t& zeros) {
    double s[4] = {0, 0, 0, 0}, q[4] = {0, 0, 0, 0};
    uint64_t z[4] = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (size_t l = 0; l < 4; ++l) {
            double v = loss[i + l];
            port[i + l] += v;
            s[l] += v;
            q[l] += v * v;
            z[l] += v == 0.0;
        }
    for (; i < n; ++i) {
        double v = loss[i];
        port[i] += v;
        s[0] += v;
        q[0] += v * v;
        z[0] += v == 0.0;
    }
    sum = (s[0] + s[1]) + (s[2] + s[3]);
    sum_squares = (q[0] + q[1]) + (q[2] + q[3]);
    zeros = z[0] + z[1] + z[2] + z[3];
}

ISMS_SIMD_CLONES void OpenUniforms(const uint64_t* bits, double* out, size_t n) {
    for (size_t i = 0; i < n; ++i)
        out[i] = std::bit_cast<double>((bits[i] >> 12) | 0x3FF0000000000000ull) - (1.0 - 0x1.0p-53);
}

ISMS_SIMD_CLONES void ZigguratRectangles(const uint64_t* bits, const double* x_edges, double* out, uint64_t* tag,
                                         size_t n) {
    for (size_t i = 0; i < n; ++i) {
        uint64_t r = bits[i];
        uint64_t layer = r & 0xff;
        double u = std::bit_cast<double>((r >> 12) | 0x3FF0000000000000ull) - 1.0;  // [0, 1)
        double z = u * x_edges[layer];
        uint64_t open = z >= x_edges[layer + 1];
        tag[i] = open * (0x200 | (r & 0x1ff));
        out[i] = std::bit_cast<double>(std::bit_cast<uint64_t>(z) | ((r & 0x100) << 55));  // bit 8 → sign
    }
}

ISMS_SIMD_CLONES void GammaSqueeze(const double* x, const double* u, double d, double c, double* out,
                                   unsigned char* open, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        double v = 1.0 + c * x[i];
        double x2 = x[i] * x[i];
        open[i] = (v <= 0.0) | (u[i] >= 1.0 - 0.0331 * x2 * x2);
        out[i] = d * (v * v * v);
    }
}

}  // namespace isms::quant::kernels

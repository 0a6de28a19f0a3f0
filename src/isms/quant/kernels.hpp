// Vectorised inner loops of the FAIR engine: the parts of sampling that run over a batch of values with no
// branch per value, so that the compiler turns them into SIMD code (AVX2 + FMA where the processor has it,
// chosen at run time; SSE2 otherwise). The samplers in random.hpp call them on batches of at most
// Stream::kBatch values and finish the rare values a kernel leaves open (a flag per value) one at a time.
//
// Every kernel computes the same function on every processor: no kernel depends on the instruction set for
// its result beyond the last bit of a floating-point rounding (FMA contraction), and none keeps state.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace isms::quant::kernels {

// Four interleaved xoshiro256++ generators: state[lane][0..3], out[4·i + lane] is lane's i-th value.
// n must be a multiple of 4.
void Xoshiro4Fill(uint64_t (&state)[4][4], uint64_t* out, size_t n);

// x[i] = e^x[i] (arguments clamped to [−708, 709]); relative error below 3e-16 (degree-11 polynomial on
// |r| ≤ ln2/2 after reduction by ln 2).
void ExpInPlace(double* x, size_t n);

// Uniform on (0, 1), 52 random bits: (k + ½)·2⁻⁵², never 0 or 1.
void OpenUniforms(const uint64_t* bits, double* out, size_t n);

// The rectangle step of the 256-layer ziggurat for the standard normal (Marsaglia & Tsang 2000): layer
// from bits 0–7, sign from bit 8, position from bits 12–63. out[i] is the normal value when tag[i] == 0;
// otherwise tag[i] = 0x200 | sign << 8 | layer and the draw must be finished by the wedge or tail test.
// x_edges: the 257 layer edges (x[0] = base strip width, x[256] = 0).
void ZigguratRectangles(const uint64_t* bits, const double* x_edges, double* out, uint64_t* tag, size_t n);

// Marsaglia–Tsang gamma (shape ≥ 1, d = shape − 1/3, c = 1/√(9d)) from a normal x[i] and a uniform u[i]:
// out[i] = d·(1 + c·x)³ and open[i] = 0 when the squeeze accepts; open[i] = 1 when the exact test (with
// logarithms) must decide.
void GammaSqueeze(const double* x, const double* u, double d, double c, double* out, unsigned char* open,
                  size_t n);

// x[i] = ln x[i] for x[i] > 0 (relative error below 1e-15); the caller passes only positive values.
void LogInPlace(double* x, size_t n);

// out[i] = lo + range · x[i] / (x[i] + y[i]): a beta variate on [lo, lo + range] from two gamma variates.
void BetaFromGammas(const double* x, const double* y, double lo, double range, double* out, size_t n);

// x[i] = a + b · x[i].
void AffineInPlace(double* x, double a, double b, size_t n);

// Poisson counts by inversion, for 0 ≤ λ < 10 (any other λ is left open): with p_j = e^−λ λ^j / j!, out[i] =
// the number of partial sums p_0, p_0+p_1, … p_0+…+p_3 that u[i] exceeds, and open[i] = 1 when u[i] exceeds all
// four (the count is at least 4 and the search must go on) or λ is outside [0, 10).
void PoissonInversion4(const double* lambda, const double* u, uint64_t* out, unsigned char* open, size_t n);

// One risk's losses of a block added to the portfolio: port[i] += loss[i], and the sum, the sum of squares and
// the number of zero losses of the block, accumulated in four lanes (i mod 4) that are added at the end, so the
// result is the same on every processor.
void AddToPortfolio(const double* loss, double* port, size_t n, double& sum, double& sum_squares, uint64_t& zeros);

}  // namespace isms::quant::kernels

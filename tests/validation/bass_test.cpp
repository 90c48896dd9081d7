// SPDX-License-Identifier: MIT
// Agent-based Bass on the complete graph against the Bass model (Bass 1969).
//
// Setting: N agents on the implicit complete graph, no seeds, p and q rates per period, a step
// of Δ = 1/period_steps periods. Every replicate's F(t) = adopters/N is recorded.
// - Δ = 1, hazard form: the mean of F(t) against the discrete Bass recursion
//   F(t+1) = F(t) + (p + qF(t))(1 - F(t)).
// - Δ = 0.1, hazard and independent forms: against the closed form
//   F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p)e^{-(p+q)t}).
// - The peak of the adoption rate against ln(q/p)/(p+q).
// Tolerances, per step t: 4 standard errors of the mean over replicates (sample SD/√R; a
// two-sided false alarm of about 6e-5 per step) plus the deterministic allowances:
// - the discretisation error: |recursion of the model's step map - closed form| (the step map
//   is the mean-field update F ← F + (1-F)·P(F) with the model's exact per-step probability P);
// - the finite-N bias of the mean: the mean of a nonlinear stochastic map is not the map of the
//   mean. We propagate mean and variance with the linear-noise (second-order) approximation,
//   m' = g(m) + ½g''(m)v, v' = g'(m)²v + (1-m)P(1-P)/N, and allow |m_LNA - recursion|, plus
//   2/N for the O(N^-2) terms it drops and the N/(N-1) of m/k = A/(N-1).

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "models/bass/bass.hpp"
#include "validation/report.hpp"

using namespace wom;
using test::check_row;
using test::fmt;

namespace {

struct Curve {
  std::vector<double> mean, se, rate_mean, rate_se;  // F(t), and new adopters / N per step
};

Curve simulate(double p, double q, double period_steps, Bass::Form form, NodeId n, Step steps, std::uint32_t reps,
               std::uint64_t seed) {
  const Graph g = Graph::implicit_complete_graph(n);
  EngineOptions opt;
  opt.steps = steps;
  opt.replicates = reps;
  opt.seed = seed;
  const RunResult r = run_replicates(g, Bass(p, q, period_steps, form, g), SeedPlan(), opt);
  Curve c;
  for (Step t = 0; t <= steps; ++t) {
    std::vector<double> f(reps), d(reps);
    for (std::uint32_t i = 0; i < reps; ++i) {
      f[i] = static_cast<double>(r.cumulative_adopters[r.at(i, t)]) / n;
      d[i] = static_cast<double>(r.new_adopters[r.at(i, t)]) / n;
    }
    const auto a = test::mean_se(f), b = test::mean_se(d);
    c.mean.push_back(a.mean);
    c.se.push_back(a.se);
    c.rate_mean.push_back(b.mean);
    c.rate_se.push_back(b.se);
  }
  return c;
}

/// The model's per-step probability for a non-adopter when a fraction F of the N agents adopted.
double step_probability(double p, double q, double delta, Bass::Form form, double F, double N) {
  const double A = F * N;
  if (form == Bass::Form::kHazard) return std::min(1.0, delta * (p + q * A / (N - 1)));
  return 1.0 - (1.0 - delta * p) * std::pow(1.0 - delta * q / (N - 1), A);
}

/// Mean-field recursion of the model's step map, and its linear-noise mean.
struct Theory {
  std::vector<double> recursion, lna;
};
Theory theory(double p, double q, double delta, Bass::Form form, double N, Step steps) {
  Theory th;
  double F = 0, m = 0, v = 0;
  for (Step t = 0; t <= steps; ++t) {
    th.recursion.push_back(F);
    th.lna.push_back(m);
    const auto g = [&](double x) { return x + (1 - x) * step_probability(p, q, delta, form, x, N); };
    F = g(F);
    const double h = 1e-4;
    const double g1 = (g(m + h) - g(m - h)) / (2 * h), g2 = (g(m + h) - 2 * g(m) + g(m - h)) / (h * h);
    const double P = step_probability(p, q, delta, form, m, N);
    const double next_m = g(m) + 0.5 * g2 * v;
    v = g1 * g1 * v + (1 - m) * P * (1 - P) / N;
    m = next_m;
  }
  return th;
}

double bass_closed_form(double p, double q, double t) {
  const double e = std::exp(-(p + q) * t);
  return (1 - e) / (1 + (q / p) * e);
}

/// Checks the mean curve against `expected(t)` at every step; reports the worst step.
void check_curve(const std::string& quantity, const Curve& c, const Theory& th,
                 const std::function<double(Step)>& expected, double N) {
  double worst_ratio = -1;
  test::Row worst{"bass", quantity, 0, 0, 0, ""};
  for (Step t = 1; t < static_cast<Step>(c.mean.size()); ++t) {
    const double exp = expected(t);
    const double discretisation = std::abs(th.recursion[t] - exp);
    const double bias = std::abs(th.lna[t] - th.recursion[t]) + 2.0 / N;
    const double tol = 4 * c.se[t] + discretisation + bias;
    const double ratio = std::abs(c.mean[t] - exp) / tol;
    INFO(quantity << " at step " << t << ": mean " << c.mean[t] << ", expected " << exp << ", tolerance " << tol);
    CHECK(std::abs(c.mean[t] - exp) <= tol);
    if (ratio > worst_ratio) {
      worst_ratio = ratio;
      worst = {"bass", quantity + ", worst step t = " + std::to_string(t), exp, c.mean[t], tol,
               "4 SE + discretisation " + fmt(discretisation) + " + finite-N bias " + fmt(bias)};
    }
  }
  check_row(worst);
}

}  // namespace

TEST_CASE("bass on the complete graph follows the Bass model") {
  const NodeId n = test::scaled<NodeId>(100'000, 1'000'000);
  const std::uint32_t reps = test::scaled<std::uint32_t>(24, 40);
  const double N = n;
  struct Pair { double p, q; };
  for (const Pair pq : {Pair{0.03, 0.38}, Pair{0.01, 0.5}}) {
    const double p = pq.p, q = pq.q;
    CAPTURE(p);
    CAPTURE(q);
    const std::string setting = "p = " + fmt(p) + ", q = " + fmt(q) + ", N = " + std::to_string(n);
    const double periods = 20;

    SUBCASE("one step per period: the discrete Bass recursion") {
      const Step steps = static_cast<Step>(periods);
      const Curve c = simulate(p, q, 1, Bass::Form::kHazard, n, steps, reps, 11);
      const Theory th = theory(p, q, 1, Bass::Form::kHazard, N, steps);
      std::vector<double> bass{0};  // the textbook recursion, without the model's N/(N-1)
      for (Step t = 1; t <= steps; ++t) bass.push_back(bass.back() + (p + q * bass.back()) * (1 - bass.back()));
      check_curve("F(t), hazard, Δ = 1 vs discrete recursion, " + setting, c, th,
                  [&](Step t) { return bass[static_cast<std::size_t>(t)]; }, N);
    }

    for (const auto form : {Bass::Form::kHazard, Bass::Form::kIndependent}) {
      const char* form_name = form == Bass::Form::kHazard ? "hazard" : "independent";
      SUBCASE((std::string("a tenth of a period per step, ") + form_name + ": the closed form").c_str()) {
        const double delta = 0.1;
        const Step steps = static_cast<Step>(periods / delta);
        const Curve c = simulate(p, q, 1 / delta, form, n, steps, reps, 12);
        const Theory th = theory(p, q, delta, form, N, steps);
        check_curve(std::string("F(t), ") + form_name + ", Δ = 0.1 vs closed form, " + setting, c, th,
                    [&](Step t) { return bass_closed_form(p, q, t * delta); }, N);

        if (form == Bass::Form::kHazard) {
          // Peak of the adoption rate. New adopters of step k fall in ((k-1)Δ, kΔ], so the
          // step's midpoint (k - 1/2)Δ stands for it. Tolerance: Δ/2 for the grid, the step
          // map's own peak shift |t*_map - t*|, and the statistical slack of an argmax: the
          // mean curve near its top is r(k) ≈ r* - ½|r''|(k-k*)², so noise of 4 SE moves the
          // argmax by up to sqrt(8 SE / |r''|) steps.
          std::size_t k_sim = 1, k_map = 1;
          for (std::size_t k = 1; k < c.rate_mean.size(); ++k) {
            if (c.rate_mean[k] > c.rate_mean[k_sim]) k_sim = k;
            if (th.recursion[k] - th.recursion[k - 1] > th.recursion[k_map] - th.recursion[k_map - 1]) k_map = k;
          }
          const double t_sim = (static_cast<double>(k_sim) - 0.5) * delta;
          const double t_map = (static_cast<double>(k_map) - 0.5) * delta;
          const double t_star = std::log(q / p) / (p + q);
          const auto r = [&](std::size_t k) { return th.recursion[k] - th.recursion[k - 1]; };
          const double curvature = std::abs(r(k_map + 1) - 2 * r(k_map) + r(k_map - 1));
          const double slack = std::sqrt(8 * c.rate_se[k_sim] / curvature) * delta;
          const double tol = delta / 2 + std::abs(t_map - t_star) + slack;
          check_row({"bass", "peak time (periods), hazard, Δ = 0.1 vs ln(q/p)/(p+q), " + setting, t_star, t_sim, tol,
                     "Δ/2 + map peak shift " + fmt(std::abs(t_map - t_star)) + " + argmax noise " + fmt(slack)});
        }
      }
    }
  }
}

TEST_CASE("bass on the stored complete graph equals bass on the implicit one") {
  const NodeId n = 300;
  const Graph explicit_graph = Graph::from_edges(n, [&] {
    EdgeBuffer e;
    for (NodeId u = 0; u < n; ++u)
      for (NodeId v = u + 1; v < n; ++v) e.add(u, v);
    return e;
  }(), false);
  const Graph implicit_graph = Graph::implicit_complete_graph(n);
  for (const auto form : {Bass::Form::kHazard, Bass::Form::kIndependent}) {
    EngineOptions opt;
    opt.steps = 60;
    opt.replicates = 20;
    opt.record_adoption_steps = true;
    const SeedPlan seeds(explicit_graph, {{"random", 2, {}}});
    const RunResult a = run_replicates(explicit_graph, Bass(0.02, 0.4, 2, form, explicit_graph), seeds, opt);
    const RunResult b = run_replicates(implicit_graph, Bass(0.02, 0.4, 2, form, implicit_graph), seeds, opt);
    CHECK(a.adoption_step == b.adoption_step);
    CHECK(a.cumulative_adopters == b.cumulative_adopters);
  }
}

// SPDX-License-Identifier: MIT
#pragma once
/// @file SIS epidemic in discrete time: DiscreteSis of models/sir/epidemic.hpp (the same
/// synchronous step as SIR, with recovered agents susceptible again from the next step).
///
/// Outputs: new_adopters counts *first* infections and cumulative_adopters the agents ever
/// infected (the engine records one adoption per agent); active_sharers[t] = |I(t-1)|, the
/// agents infected during step t (the prevalence, which re-infections keep up); the
/// per-agent adoption step is the first infection. Mean field on K_N:
/// i(t) = (1-γ)i(t-1) + (1-i(t-1))(1 - (1-β)^{N·i(t-1)}), endemic level
/// γi* = (1-i*)(1 - (1-β)^{N·i*}). Equations and validation: models/sis/README.md,
/// docs/models.md.

#include "models/sir/epidemic.hpp"

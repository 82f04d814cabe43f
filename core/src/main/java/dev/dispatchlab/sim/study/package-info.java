/**
 * What the simulator is for: {@link dev.dispatchlab.sim.study.Validation} (predictions for this
 * machine against the runtime's measurements, with fixed tolerances and no per-cell fitting) and
 * {@link dev.dispatchlab.sim.study.Answer} (per profile and model: the highest rate one CPU
 * sustains, the CPU share 50,000 packets/s need, switches per packet, whether the model is about as
 * good as classic, and how each answer moves over the profile's ranges).
 */
package dev.dispatchlab.sim.study;

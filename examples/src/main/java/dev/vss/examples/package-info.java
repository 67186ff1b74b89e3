/** Runnable examples an integrator copies from. */
package dev.vss.examples;

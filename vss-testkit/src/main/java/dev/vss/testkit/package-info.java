/** Conformance kit and jqwik property tests that every Storage adapter runs. */
package dev.vss.testkit;

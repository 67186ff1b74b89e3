package dev.vss.server.app;

import java.util.Collection;

/** "Did you mean" hints for mistyped names: the closest known name within a small edit distance. */
final class Suggestions {
  /** The largest edit distance still worth a hint. */
  static final int MAX_DISTANCE = 2;

  private Suggestions() {}

  /**
   * {@code " (did you mean PREFIX+name+SUFFIX?)"} for the known name nearest to {@code given}
   * (case-insensitive Levenshtein distance at most {@link #MAX_DISTANCE}), or {@code ""}.
   */
  static String didYouMean(String given, Collection<String> known, String prefix, String suffix) {
    String best = null;
    int bestDistance = MAX_DISTANCE + 1;
    for (String candidate : known) {
      int distance =
          distance(
              given.toLowerCase(java.util.Locale.ROOT),
              candidate.toLowerCase(java.util.Locale.ROOT));
      if (distance < bestDistance
          || (distance == bestDistance && best != null && candidate.compareTo(best) < 0)) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best == null ? "" : " (did you mean " + prefix + best + suffix + "?)";
  }

  /** The Levenshtein distance: insertions, deletions and substitutions of one character. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}

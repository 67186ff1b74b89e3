package dev.vss.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerProcessTest {
  @Test
  void readsUsedAndCommittedHeapFromGcHeapInfo() {
    String output =
        "4242:\n"
            + " garbage-first heap   total 262144K, used 21504K [0x0000000700000000,"
            + " 0x0000000800000000)\n"
            + "  region size 1024K, 21 young (21504K), 0 survivors (0K)\n"
            + " Metaspace       used 1234K, committed 1344K, reserved 1114112K\n";
    assertThat(ServerProcess.parseHeap(output)).isEqualTo(new ServerProcess.Heap(21504, 262144));
    assertThat(ServerProcess.parseHeap("4242:\nAttachNotSupportedException")).isNull();
  }

  @Test
  void readsTheResidentSetOfThisProcess() {
    long rss = ServerProcess.rssKib(ProcessHandle.current().pid());
    assertThat(rss).isGreaterThan(1024);
    assertThat(ServerProcess.rssKib(Long.MAX_VALUE)).isEqualTo(-1);
  }
}

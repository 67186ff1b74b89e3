package dev.vss.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The compiled module descriptor of vss-core exports the API and SPI packages, and the rules
 * package ({@code VssOperations}, {@code RequestValidation}, {@code PageToken}) only to this
 * project's own adapters and testkit, never to everyone.
 *
 * <p>Tests run on the class path, so this reads the {@code module-info.class} that sits next to the
 * compiled main classes rather than asking the module system.
 */
class ModuleDescriptorTest {

  private static ModuleDescriptor descriptor() throws IOException, URISyntaxException {
    Path classes =
        Path.of(VssService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path moduleInfo = Files.isDirectory(classes) ? classes.resolve("module-info.class") : null;
    assertThat(moduleInfo).as("vss-core's classes directory").isNotNull();
    try (InputStream in = Files.newInputStream(moduleInfo)) {
      return ModuleDescriptor.read(in);
    }
  }

  /** Exported package name to the modules it is exported to (empty: to everyone). */
  private static Map<String, Set<String>> exports(ModuleDescriptor descriptor) {
    Map<String, Set<String>> exports = new TreeMap<>();
    for (ModuleDescriptor.Exports e : descriptor.exports()) {
      exports.put(e.source(), e.targets());
    }
    return exports;
  }

  @Test
  void exportsApiAndSpiToEveryone() throws Exception {
    ModuleDescriptor descriptor = descriptor();
    assertThat(descriptor.name()).isEqualTo("dev.vss.core");
    assertThat(descriptor.isOpen()).isFalse();
    Map<String, Set<String>> exports = exports(descriptor);
    for (String api :
        new String[] {
          "dev.vss.core",
          "dev.vss.core.spi",
          "dev.vss.core.auth",
          "dev.vss.core.memory",
          "dev.vss.core.export",
          "dev.vss.core.export.proto"
        }) {
      assertThat(exports).containsKey(api);
      assertThat(exports.get(api)).as("%s exported unqualified", api).isEmpty();
    }
  }

  @Test
  void rulesAreExportedOnlyToTheProjectsOwnModules() throws Exception {
    ModuleDescriptor descriptor = descriptor();
    assertThat(exports(descriptor).get("dev.vss.core.rules"))
        .as("dev.vss.core.rules must be a qualified export, not API")
        .containsExactlyInAnyOrder(
            "dev.vss.store.sqlite",
            "dev.vss.store.rocksdb",
            "dev.vss.store.postgres",
            "dev.vss.testkit");
    assertThat(descriptor.opens()).as("no package opened for deep reflection").isEmpty();
    assertThat(descriptor.packages()).contains("dev.vss.core.rules");
  }
}

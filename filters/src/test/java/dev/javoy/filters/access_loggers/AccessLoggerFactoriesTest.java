package dev.javoy.filters.access_loggers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.util.JsonFormat;
import dev.javoy.proxy.accesslog.AccessLogFiles;
import dev.javoy.proxy.accesslog.AccessLogger;
import dev.javoy.proxy.accesslog.AccessLogs;
import dev.javoy.proxy.accesslog.FileAccessLogger;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.extension.ExtensionRegistry;
import dev.javoy.proxy.extension.ExtensionResolver;
import dev.javoy.proxy.extension.FactoryContext;
import dev.javoy.proxy.server.ServerOptions;
import dev.javoy.proxy.stats.StatsStore;
import dev.javoy.proxy.stream.ResponseFlag;
import dev.javoy.proxy.stream.StreamInfo;
import dev.javoy.proxy.upstream.ClusterManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLoggerFactoriesTest {
  private static final ExtensionRegistry REGISTRY = ExtensionRegistry.load(List.of());

  record Context(StatsStore stats, ExtensionResolver extensions, ClusterManager clusterManager,
      ServerOptions options, String listenerStatPrefix) implements FactoryContext {}

  @TempDir Path dir;
  private final StatsStore stats = new StatsStore();
  private final Context ctx = new Context(stats, new ExtensionResolver(REGISTRY), null, ServerOptions.defaults(),
      "listener.test.");

  @AfterEach
  void closeFiles() {
    AccessLogFiles.of(ctx).close();
  }

  /** The access_log list of an HCM given in YAML (with {@code DIR} replaced by the temp folder). */
  private List<AccessLogger> build(String yaml) throws Exception {
    Object tree = new ObjectMapper(new YAMLFactory()).readValue(yaml.replace("DIR", dir.toString()), Object.class);
    HttpConnectionManager.Builder b = HttpConnectionManager.newBuilder();
    String json = new ObjectMapper().writeValueAsString(tree);
    JsonFormat.parser().usingTypeRegistry(REGISTRY.typeRegistry()).merge(json, b);
    return AccessLogs.build(b.build().getAccessLogList(), "hcm.access_log", ctx);
  }

  private static StreamInfo stream(int code) {
    StreamInfo info = new StreamInfo();
    info.protocol = "HTTP/1.1";
    info.requestHeaders = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/hello");
    info.requestHeaders.headers().add("host", "example.com");
    info.responseCode = code;
    return info;
  }

  private String read(String name) throws Exception {
    AccessLogFiles.of(ctx).flushAll();
    return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
  }

  @Test
  void fileLoggerWithDefaultFormat() throws Exception {
    List<AccessLogger> logs = build("""
        access_log:
        - name: envoy.access_loggers.file
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
            path: DIR/access.log
        """);
    AccessLogs.logAll(logs, stream(200));
    String line = read("access.log");
    assertTrue(line.matches("\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z] \"GET /hello HTTP/1.1\" 200 - 0 0 "
        + "\\d+ - \"-\" \"-\" \"-\" \"example.com\" \"-\"\n"), line);
  }

  @Test
  void fileLoggerFormatsAndFilters() throws Exception {
    List<AccessLogger> logs = build("""
        access_log:
        - name: envoy.access_loggers.file
          filter: {response_flag_filter: {flags: [NR]}}
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
            path: DIR/nr.log
            log_format: {text_format_source: {inline_string: "%RESPONSE_CODE% %RESPONSE_FLAGS%\\n"}}
        - name: envoy.access_loggers.file
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
            path: DIR/json.log
            json_format: {code: "%RESPONSE_CODE%", path: "%REQ(:PATH)%"}
        - name: envoy.access_loggers.file
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
            path: DIR/old.log
            format: "%REQ(:METHOD)%\\n"
        """);
    StreamInfo nr = stream(404);
    nr.setResponseFlag(ResponseFlag.NO_ROUTE_FOUND);
    AccessLogs.logAll(logs, stream(200));
    AccessLogs.logAll(logs, nr);
    assertEquals("404 NR\n", read("nr.log"));
    assertEquals("{\"code\":200,\"path\":\"/hello\"}\n{\"code\":404,\"path\":\"/hello\"}\n", read("json.log"));
    assertEquals("GET\nGET\n", read("old.log"));
  }

  @Test
  void samePathSharesOneFile() throws Exception {
    List<AccessLogger> logs = build("""
        access_log:
        - typed_config: {"@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog,
                         path: DIR/one.log}
        - typed_config: {"@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog,
                         path: DIR/one.log}
        """);
    assertSame(((FileAccessLogger) logs.get(0)).file(), ((FileAccessLogger) logs.get(1)).file());
  }

  @Test
  void stdoutAndStderrByTypeAndByName() throws Exception {
    List<AccessLogger> logs = build("""
        access_log:
        - name: envoy.access_loggers.stdout
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog
            log_format: {text_format: "%PROTOCOL%\\n"}
        - name: envoy.access_loggers.stderr
        """);
    assertEquals("/dev/stdout", ((FileAccessLogger) logs.get(0)).file().path());
    assertEquals("/dev/stderr", ((FileAccessLogger) logs.get(1)).file().path());
    assertInstanceOf(FileAccessLogger.class, logs.get(1));
  }

  @Test
  void errorsNameTheirPath() {
    ConfigException noPath = assertThrows(ConfigException.class, () -> build("""
        access_log:
        - typed_config: {"@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog}
        """));
    assertEquals("hcm.access_log[0].typed_config.path", noPath.path());
    ConfigException badDir = assertThrows(ConfigException.class, () -> build("""
        access_log:
        - typed_config: {"@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog,
                         path: DIR/missing/dir/x.log}
        """));
    assertEquals("hcm.access_log[0].typed_config.path", badDir.path());
    ConfigException badFormat = assertThrows(ConfigException.class, () -> build("""
        access_log:
        - typed_config: {"@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog,
                         path: DIR/x.log, log_format: {text_format: "%WHAT%"}}
        """));
    assertEquals("hcm.access_log[0].typed_config.log_format.text_format", badFormat.path());
    ConfigException unknown = assertThrows(ConfigException.class, () -> build("""
        access_log:
        - name: envoy.access_loggers.http_grpc
        """));
    assertEquals("hcm.access_log[0]", unknown.path());
    ConfigException badFilter = assertThrows(ConfigException.class, () -> build("""
        access_log:
        - name: envoy.access_loggers.stdout
          filter: {metadata_filter: {}}
        """));
    assertEquals("hcm.access_log[0].filter.metadata_filter", badFilter.path());
  }
}

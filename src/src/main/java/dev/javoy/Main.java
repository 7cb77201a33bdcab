package dev.javoy;

import dev.javoy.proxy.config.BootstrapLoader;
import dev.javoy.proxy.config.ConfigDocuments;
import dev.javoy.proxy.config.ConfigException;
import dev.javoy.proxy.config.UnknownFieldPolicy;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.log.ApplicationLogFormat;
import dev.javoy.proxy.log.Log;
import dev.javoy.proxy.log.LogLevels;
import dev.javoy.proxy.log.SpdlogFormatter;
import dev.javoy.proxy.server.CleanFilePages;
import dev.javoy.proxy.server.Server;
import dev.javoy.proxy.server.ServerOptions;
import dev.javoy.proxy.server.ServerVersion;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code javoy} executable: a drop-in for the {@code envoy} binary. Parses Envoy's command line, sets up
 * logging, loads the bootstrap and then serves, validates ({@code --mode validate}) or initializes and exits
 * ({@code --mode init_only}). Exit status as Envoy's: 0 on success, 1 on bad flags or bad configuration.
 */
public final class Main {
  static final String DEMO_RESOURCE = "javoy-demo.yaml";
  private static final Logger LOG = Log.get("main");

  private final PrintStream out;
  private final PrintStream err;

  private Main(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    System.out.flush();
    System.exit(status);
  }

  /** Runs javoy with {@code args}; returns the exit status (after the server stops, when serving). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    return new Main(out, err).run(args);
  }

  private int run(String[] args) {
    StartupTrace.mark("main");
    CliOptions cli;
    try {
      cli = CliOptions.parse(args);
    } catch (CliOptions.ParseException e) {
      err.println("PARSE ERROR: " + e.getMessage());
      err.println("For complete USAGE and HELP type: javoy --help");
      return 1;
    }
    if (cli.helpRequested) {
      out.print(CliOptions.usage());
      return 0;
    }
    if (cli.versionRequested) {
      out.print(ServerVersion.versionOutput());
      return 0;
    }
    if (cli.hotRestartVersion) {
      err.println("disabled");
      return 0;
    }
    ServerOptions options;
    try {
      options = cli.toServerOptions();
      installLogging(cli);
    } catch (CliOptions.BadFlagException e) {
      err.println(e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("error: cannot open log file '" + cli.logPath + "': " + e.getMessage());
      return 1;
    }
    StartupTrace.mark("command line parsed, logging installed");
    return runServer(cli, options);
  }

  private static void installLogging(CliOptions cli) throws IOException {
    Level level = LogLevels.parseLevel(cli.logLevel);
    Map<String, Level> components = LogLevels.parseComponentLevels(cli.componentLogLevel);
    String format = cli.logFormat != null ? cli.logFormat : SpdlogFormatter.DEFAULT_FORMAT;
    LogLevels.install(level, components, new SpdlogFormatter(format, cli.logFormatEscaped),
        cli.logPath == null || cli.logPath.isEmpty() ? null : Path.of(cli.logPath));
    for (String component : components.keySet()) {
      if (!LogLevels.isKnownComponent(component)) {
        LOG.warning("--component-log-level: no component named '" + component + "'");
      }
    }
  }

  private int runServer(CliOptions cli, ServerOptions options) {
    boolean demo = isEmpty(options.configPath()) && isEmpty(options.configYaml());
    String configName = demo ? DEMO_RESOURCE : options.configPath() == null ? "" : options.configPath();
    if (options.mode() == ServerOptions.Mode.SERVE) {
      LOG.info("initializing epoch 0 (base id=0, hot restart version=disabled)");
      LOG.info("javoy version: " + ServerVersion.string());
    }
    try {
      Bootstrap bootstrap = loadBootstrap(options, demo);
      StartupTrace.mark("bootstrap loaded");
      String format = ApplicationLogFormat.choose(cli.logFormat, bootstrap);
      if (!format.equals(((SpdlogFormatter) LogLevels.formatter()).pattern())) {
        LogLevels.setFormatter(new SpdlogFormatter(format, cli.logFormatEscaped));
      }
      if (options.mode() == ServerOptions.Mode.VALIDATE) {
        Server.validate(options, bootstrap);
        out.println("configuration '" + configName + "' OK");
        return 0;
      }
      return serve(options, bootstrap, demo, cli.adminAddressPath);
    } catch (ConfigException e) {
      return configError(options, configName, e.getMessage(), null);
    } catch (RuntimeException e) {
      return configError(options, configName, "internal error: " + e, e);
    }
  }

  /** Reports a bad configuration as Envoy does (printed in validate mode, logged as critical otherwise). */
  private int configError(ServerOptions options, String configName, String problem, Throwable cause) {
    String message = "error initializing configuration '" + configName + "': " + problem;
    if (options.mode() == ServerOptions.Mode.VALIDATE) {
      err.println(message);
    } else {
      LOG.log(LogLevels.CRITICAL, message, cause);
    }
    return 1;
  }

  private static Bootstrap loadBootstrap(ServerOptions options, boolean demo) throws ConfigException {
    BootstrapLoader loader = new BootstrapLoader(CoreTypes.defaultRegistry().anyTypes());
    if (!demo) {
      return loader.load(options);
    }
    Bootstrap bootstrap = loader.parse(demoConfig(), ConfigDocuments.Syntax.YAML, UnknownFieldPolicy.REJECT,
        DEMO_RESOURCE);
    return BootstrapLoader.applyNodeOverrides(bootstrap, options);
  }

  static String demoConfig() throws ConfigException {
    try (InputStream in = Main.class.getClassLoader().getResourceAsStream(DEMO_RESOURCE)) {
      if (in == null) {
        throw new ConfigException(null, "the embedded demo config " + DEMO_RESOURCE + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(null, "cannot read the embedded demo config: " + e.getMessage(), e);
    }
  }

  /** Serves until a signal stops the server; in init_only mode the server stops itself once initialized. */
  private int serve(ServerOptions options, Bootstrap bootstrap, boolean demo, String adminAddressPath)
      throws ConfigException {
    Server server = Server.create(options, bootstrap);
    StartupTrace.mark("server created");
    if (options.mode() == ServerOptions.Mode.SERVE) {
      ShutdownSignals.install(server::shutdown, () -> awaitQuietly(server));
    }
    try {
      server.start();
      StartupTrace.mark("server started");
      if (options.mode() == ServerOptions.Mode.SERVE) {
        CleanFilePages.schedule(server.mainLoop()); // start-up's read-only file pages back to the page cache
      }
    } catch (ConfigException e) {
      stopQuietly(server);
      throw e;
    } catch (Exception e) {
      LOG.log(LogLevels.CRITICAL, "cannot start: " + e.getMessage(), e);
      stopQuietly(server);
      return 1;
    }
    if (!isEmpty(adminAddressPath) && !writeAdminAddress(server, Path.of(adminAddressPath))) {
      stopQuietly(server);
      return 1;
    }
    if (demo && options.mode() == ServerOptions.Mode.SERVE) {
      out.println("javoy is serving its demo config: try  curl http://localhost:10000/"
          + "   (admin: http://127.0.0.1:9901/)");
      out.flush();
    }
    awaitQuietly(server);
    LOG.info("exiting");
    return 0;
  }

  /** {@code --admin-address-path}: the bound admin address as {@code host:port}, as Envoy writes it. */
  private static boolean writeAdminAddress(Server server, Path file) {
    if (!(server.adminAddress() instanceof InetSocketAddress address)) {
      return true;
    }
    String host = address.getAddress().getHostAddress();
    String text = (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    try {
      Files.writeString(file, text);
      return true;
    } catch (IOException e) {
      LOG.log(LogLevels.CRITICAL, "cannot write the admin address to '" + file + "': " + e.getMessage());
      return false;
    }
  }

  /** Stops a server whose start failed (it may have stopped parts of itself already). */
  private static void stopQuietly(Server server) {
    try {
      server.shutdown(false);
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "stopping after a failed start", e);
    }
  }

  private static void awaitQuietly(Server server) {
    try {
      server.awaitTermination();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}

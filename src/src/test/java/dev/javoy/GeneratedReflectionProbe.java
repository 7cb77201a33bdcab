package dev.javoy;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.GeneratedMessageV3;
import com.google.protobuf.Message;
import dev.javoy.proxy.extension.CoreTypes;
import dev.javoy.proxy.extension.ExtensionFactory;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Run in a JVM of its own (GeneratedReflectionTest starts it): runs javoy's {@code Main} with the arguments given,
 * then prints, one per line, the full name of every generated message type whose protobuf reflection
 * ({@code GeneratedMessageV3.FieldAccessorTable}) was initialized, i.e. what {@code hasField}, {@code getField},
 * {@code getAllFields}, {@code JsonFormat} on a generated message or a builder's {@code setField} built. Reading the
 * tables' flag does not initialize them.
 */
public final class GeneratedReflectionProbe {
  static final String MARKER = "initialized accessor tables:";

  private GeneratedReflectionProbe() {}

  public static void main(String[] args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String adminPath = System.getProperty("probe.awaitReady");
    if (adminPath == null) {
      int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
      System.out.println("exit " + status + ": " + out.toString(StandardCharsets.UTF_8).trim());
    } else {
      // serving: look once /ready answers 200 (the admin address is in the --admin-address-path file)
      Thread serving = new Thread(() -> Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
          System.err), "probe-main");
      serving.setDaemon(true);
      serving.start();
      System.out.println("exit " + (awaitReady(java.nio.file.Path.of(adminPath)) ? 0 : 1) + ": ready");
    }
    System.out.println(MARKER);
    for (String name : initializedTables()) {
      System.out.println(name);
    }
    System.out.flush();
    System.exit(0);
  }

  private static boolean awaitReady(java.nio.file.Path adminAddress) throws InterruptedException {
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    long deadline = System.nanoTime() + 90_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        String address = java.nio.file.Files.readString(adminAddress).trim();
        if (!address.isEmpty() && client.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://" + address + "/ready")).build(),
            java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return true;
        }
      } catch (java.io.IOException notYet) {
        // no address file yet, or not serving yet
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** Every generated type (of the files javoy's config types reach) whose accessor table is initialized. */
  static Set<String> initializedTables() throws Exception {
    List<Message> roots = new ArrayList<>(CoreTypes.CORE);
    roots.add(Bootstrap.getDefaultInstance());
    for (ExtensionFactory f : CoreTypes.defaultRegistry().all()) {
      roots.add(f.defaultConfig());
      roots.addAll(f.nestedTypes());
    }
    Set<FileDescriptor> files = new LinkedHashSet<>();
    Deque<FileDescriptor> todo = new ArrayDeque<>();
    for (Message m : roots) {
      if (m instanceof GeneratedMessageV3) {
        todo.add(dev.javoy.proxy.config.MessageDescriptors.of(m).getFile());
      }
    }
    while (!todo.isEmpty()) {
      FileDescriptor f = todo.pop();
      if (files.add(f)) {
        todo.addAll(f.getDependencies());
      }
    }
    Field initialized = GeneratedMessageV3.FieldAccessorTable.class.getDeclaredField("initialized");
    initialized.setAccessible(true);
    Set<String> out = new TreeSet<>();
    for (FileDescriptor file : files) {
      Class<?> outer = outerClass(file);
      if (outer == null) {
        continue;
      }
      Deque<Descriptor> types = new ArrayDeque<>(file.getMessageTypes());
      while (!types.isEmpty()) {
        Descriptor d = types.pop();
        types.addAll(d.getNestedTypes());
        Field table;
        try {
          table = outer.getDeclaredField("internal_static_" + d.getFullName().replace('.', '_')
              + "_fieldAccessorTable");
        } catch (NoSuchFieldException e) {
          continue; // map entries have none
        }
        table.setAccessible(true);
        Object t = table.get(null);
        if (t != null && initialized.getBoolean(t)) {
          out.add(d.getFullName());
        }
      }
    }
    return out;
  }

  private static Class<?> outerClass(FileDescriptor file) {
    String pkg = file.getOptions().getJavaPackage();
    String outer = file.getOptions().getJavaOuterClassname();
    if (outer.isEmpty()) {
      String base = file.getName().substring(file.getName().lastIndexOf('/') + 1).replace(".proto", "");
      StringBuilder b = new StringBuilder();
      boolean up = true;
      for (char c : base.toCharArray()) {
        if (c == '_' || c == '-') {
          up = true;
        } else {
          b.append(up ? Character.toUpperCase(c) : c);
          up = false;
        }
      }
      outer = b.toString();
    }
    String name = (pkg.isEmpty() ? "" : pkg + ".") + outer;
    try {
      return Class.forName(name, false, GeneratedReflectionProbe.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      try {
        return Class.forName(name + "OuterClass", false, GeneratedReflectionProbe.class.getClassLoader());
      } catch (ClassNotFoundException e2) {
        return null;
      }
    }
  }
}

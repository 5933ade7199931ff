package io.lambdahat.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's chromium, headless, driven over the DevTools protocol: the report tests load a page in it, read what its
 * script computed, move the mouse and keep a screenshot. Every console error and uncaught exception the page raises is
 * collected. The protocol's WebSocket is spoken here over a plain socket (RFC 6455, text frames only), since the
 * project's module does not read java.net.http.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final Socket socket;
    private final OutputStream out;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<CompletableFuture<Void>> loads = java.util.Collections.synchronizedList(new ArrayList<>());

    /** The browser on this machine: $LAMBDAHAT_CHROMIUM, else chromium or chromium-browser on PATH; null if none. */
    static Path executable() {
        String env = System.getenv("LAMBDAHAT_CHROMIUM");
        if (env != null && !env.isBlank()) return Files.isExecutable(Path.of(env)) ? Path.of(env) : null;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            for (String name : new String[] {"chromium", "chromium-browser"}) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return p;
            }
        }
        return null;
    }

    private final Path profile;

    /** Starts the browser with a fresh profile of its own (removed on close), a viewport of the given size. */
    HeadlessChromium(Path executable, int width, int height) throws Exception {
        profile = Files.createTempDirectory("lambdahat-chromium-");
        List<String> cmd = List.of(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions", "--mute-audio",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "--window-size=" + width + "," + height, "about:blank");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        Path port = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(port) && Files.readAllLines(port).size() >= 2)) {
            if (!process.isAlive()) throw new IOException("chromium exited with " + process.exitValue() + ": " + Files.readString(profile.resolve("chromium.log")));
            if (System.nanoTime() > deadline) throw new IOException("chromium did not open its DevTools port in 30 s");
            Thread.sleep(50);
        }
        int p = Integer.parseInt(Files.readAllLines(port).get(0).trim());
        JsonNode targets = JSON.readTree(httpGet(p, "/json/list"));
        String page = null;
        for (JsonNode t : targets) if (t.path("type").asText().equals("page")) page = t.get("webSocketDebuggerUrl").asText();
        if (page == null) throw new IOException("chromium has no page target: " + targets);
        socket = new Socket("127.0.0.1", p);
        out = socket.getOutputStream();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] nonce = new byte[16];
        new java.util.Random().nextBytes(nonce);
        out.write(("GET " + URI.create(page).getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1:" + p + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = headers(in);
        if (!status.startsWith("HTTP/1.1 101")) throw new IOException("chromium refused the DevTools WebSocket: " + status);
        Thread reader = new Thread(() -> read(in), "chromium-devtools");
        reader.setDaemon(true);
        reader.start();
        call("Runtime.enable", Map.of());
        call("Log.enable", Map.of());
        call("Page.enable", Map.of());
        call("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
    }

    /** Console errors, uncaught exceptions and error log entries, as text. */
    List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    /** Sends a DevTools command and waits for its result. */
    JsonNode call(String method, Map<String, ?> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", JSON.valueToTree(params));
        send(JSON.writeValueAsString(msg).getBytes(StandardCharsets.UTF_8));
        JsonNode r = f.get(60, TimeUnit.SECONDS);
        if (r.has("error")) throw new IOException(method + ": " + r.get("error"));
        return r.path("result");
    }

    /**
     * Opens a page and waits for its load event.
     *
     * @return the seconds from the navigation to the load event
     */
    double open(String url) throws Exception {
        CompletableFuture<Void> loaded = new CompletableFuture<>();
        loads.add(loaded);
        long t0 = System.nanoTime();
        call("Page.navigate", Map.of("url", url));
        loaded.get(30, TimeUnit.SECONDS);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Evaluates an expression in the page (promises awaited) and returns its value as JSON. */
    JsonNode eval(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) throw new IOException("in the page: " + r.get("exceptionDetails").path("exception").path("description").asText(r.get("exceptionDetails").toString()));
        return r.path("result").path("value");
    }

    /** Moves the mouse to a point of the viewport, in CSS pixels. */
    void mouseMove(double x, double y) throws Exception {
        call("Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", x, "y", y));
    }

    /** Turns the mouse wheel at a point (negative deltaY: away from the reader, a zoom in). */
    void wheel(double x, double y, double deltaY) throws Exception {
        call("Input.dispatchMouseEvent", Map.of("type", "mouseWheel", "x", x, "y", y, "deltaX", 0, "deltaY", deltaY));
    }

    /** A PNG of what the viewport shows now, written to a file. */
    void screenshotViewport(Path file) throws Exception {
        JsonNode r = call("Page.captureScreenshot", Map.of("format", "png"));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(r.get("data").asText()));
    }

    /** A PNG of the whole page (not only the viewport), written to a file. */
    void screenshot(Path file) throws Exception {
        JsonNode m = call("Page.getLayoutMetrics", Map.of()).path("cssContentSize");
        JsonNode r = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", m.path("width").asDouble(), "height", m.path("height").asDouble(), "scale", 1)));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(r.get("data").asText()));
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the browser is stopped below either way
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(c -> { if (c.isAlive()) c.destroyForcibly(); });
        // the profile is removed once the browser has let go of it; a file it still holds is left to the system's tmp
        try (var walk = Files.walk(profile)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** GET over HTTP/1.1; the body is Content-Length bytes. */
    private static String httpGet(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(s.getInputStream());
            String head = headerBlock(in);
            var m = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head);
            if (!m.find()) throw new IOException("no Content-Length from chromium's " + path + ": " + head);
            byte[] body = new byte[Integer.parseInt(m.group(1))];
            in.readFully(body);
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Reads a response's header block; returns its status line. */
    private static String headers(InputStream in) throws IOException {
        return headerBlock(in).lines().findFirst().orElse("");
    }

    /** Reads a response's header block, up to the empty line. */
    private static String headerBlock(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c, n = 0;
        while ((c = in.read()) >= 0) {
            b.write(c);
            n = (c == '\r' || c == '\n') ? n + 1 : 0;
            if (n == 4) break;
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** One masked text frame (a client must mask what it sends). */
    private synchronized void send(byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write(0x81);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xff);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) f.write((int) (((long) payload.length >>> (8 * i)) & 0xff));
        }
        byte[] mask = new byte[4];
        new java.util.Random().nextBytes(mask);
        f.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) f.write(payload[i] ^ mask[i & 3]);
        out.write(f.toByteArray());
        out.flush();
    }

    /** The reader thread: frames to messages (continuations joined), pings answered, each message handled. */
    private void read(DataInputStream in) {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        try {
            while (true) {
                int b0 = in.readUnsignedByte(), b1 = in.readUnsignedByte();
                long len = b1 & 0x7f;
                if (len == 126) len = in.readUnsignedShort();
                else if (len == 127) len = in.readLong();
                byte[] payload = new byte[(int) len];
                in.readFully(payload);
                int opcode = b0 & 0x0f;
                if (opcode == 8) return;
                if (opcode == 9) {
                    synchronized (this) {
                        out.write(new byte[] {(byte) 0x8a, (byte) 0x80, 0, 0, 0, 0});
                        out.flush();
                    }
                    continue;
                }
                if (opcode != 0 && opcode != 1) continue;
                message.write(payload);
                if ((b0 & 0x80) != 0) {
                    try {
                        handle(JSON.readTree(message.toString(StandardCharsets.UTF_8)));
                    } catch (IOException e) {
                        errors.add("unreadable DevTools message: " + e.getMessage());
                    }
                    message.reset();
                }
            }
        } catch (IOException e) {
            pending.values().forEach(f -> f.completeExceptionally(e)); // the browser went away
        }
    }

    private void handle(JsonNode msg) {
        if (msg.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
            if (f != null) f.complete(msg);
            return;
        }
        JsonNode p = msg.path("params");
        switch (msg.path("method").asText()) {
            case "Runtime.consoleAPICalled" -> {
                String type = p.path("type").asText();
                if (type.equals("error") || type.equals("assert")) {
                    StringBuilder s = new StringBuilder("console." + type + ":");
                    p.path("args").forEach(a -> s.append(' ').append(a.path("value").asText(a.path("description").asText())));
                    errors.add(s.toString());
                }
            }
            case "Runtime.exceptionThrown" -> errors.add("uncaught: " + p.path("exceptionDetails").path("exception").path("description")
                    .asText(p.path("exceptionDetails").path("text").asText()));
            case "Log.entryAdded" -> {
                if (p.path("entry").path("level").asText().equals("error")) errors.add("log: " + p.path("entry").path("text").asText());
            }
            case "Page.loadEventFired" -> {
                synchronized (loads) {
                    loads.forEach(l -> l.complete(null));
                    loads.clear();
                }
            }
            default -> { }
        }
    }
}

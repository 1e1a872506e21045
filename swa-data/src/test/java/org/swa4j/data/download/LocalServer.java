package org.swa4j.data.download;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP server on 127.0.0.1 serving byte arrays by path. It honours {@code Range: bytes=N-} with 206 unless
 * told to ignore ranges, and can cut off the next response of a path after a given number of bytes (announcing
 * the full length, then closing). It records the Range header of every request.
 */
public final class LocalServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, Integer> cutAfter = new ConcurrentHashMap<>();
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    public final List<String> ranges = new CopyOnWriteArrayList<>();
    public volatile boolean ignoreRanges;

    public LocalServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    public void serve(String name, byte[] content) {
        files.put("/" + name, content);
    }

    /** Answers {@code name} with a 302 to {@code location}. */
    public void redirect(String name, String location) {
        redirects.put("/" + name, location);
    }

    /** The next response for {@code name} stops after {@code bytes} bytes. */
    public void cutNextAfter(String name, int bytes) {
        cutAfter.put("/" + name, bytes);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        byte[] content = files.get(path);
        String range = ex.getRequestHeaders().getFirst("Range");
        ranges.add(range == null ? "" : range);
        String moved = redirects.get(path);
        if (moved != null) {
            ex.getResponseHeaders().add("Location", moved);
            ex.sendResponseHeaders(302, -1);
            ex.close();
            return;
        }
        if (content == null) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        int start = 0;
        if (range != null && !ignoreRanges) {
            start = Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
            ex.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
            ex.sendResponseHeaders(206, content.length - start);
        } else {
            ex.sendResponseHeaders(200, content.length);
        }
        Integer cut = cutAfter.remove(path);
        int end = cut == null ? content.length : Math.min(content.length, start + cut);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(content, start, end - start);
            out.flush();
            if (cut != null) {
                throw new IOException("cut off on purpose");
            }
        } catch (IOException e) {
            // closing the exchange without the remaining bytes cuts the transfer
        } finally {
            ex.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

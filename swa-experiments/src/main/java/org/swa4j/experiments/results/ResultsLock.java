package org.swa4j.experiments.results;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One writer per results directory. {@code swa run}, {@code resume} and {@code merge} hold an
 * operating-system lock on {@code DIR/.lock} while they write; a second process is refused with the
 * holder's process id, host, start time and command. The lock belongs to the process: when it dies,
 * even by kill -9, the system releases it, so a lock left behind never blocks. The file itself stays
 * (deleting it would let two processes lock two different files); its text only describes the holder,
 * and is cleared on release, so text found on a lock that could be taken names a process that ended
 * without releasing it ({@link #previousHolder}).
 */
public final class ResultsLock implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final String previousHolder;

    private ResultsLock(Path file, FileChannel channel, FileLock lock, String previousHolder) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.previousHolder = previousHolder;
    }

    /** The lock file of a results directory. */
    public static Path file(Path dir) {
        return dir.resolve(".lock");
    }

    /**
     * Locks {@code dir} (which must exist) for {@code command}, or throws {@link InUseException}
     * naming the process that holds it.
     */
    public static ResultsLock acquire(Path dir, String command) throws IOException {
        Path f = file(dir);
        FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null; // held by this very process (another thread or an unreleased earlier call)
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        String text = read(ch);
        if (l == null) {
            ch.close();
            throw new InUseException(dir + " is in use: another swa process holds its lock (" + f + ": "
                    + (text.isBlank() ? "holder unknown" : text) + "). Two processes must not write one results directory; "
                    + "wait for it to finish or stop it (a stopped or killed process releases the lock at once).");
        }
        ProcessHandle self = ProcessHandle.current();
        String holder = "pid " + self.pid() + " on " + host() + " since " + Instant.now() + ": " + command;
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(true);
        return new ResultsLock(f, ch, l, text.isBlank() ? null : text);
    }

    /** The holder named in the lock file when it was taken: a process that ended without releasing it, or null. */
    public String previousHolder() {
        return previousHolder;
    }

    @Override
    public void close() throws IOException {
        try {
            if (channel.isOpen()) {
                channel.truncate(0);
                channel.force(true);
            }
        } finally {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }

    @Override
    public String toString() {
        return "lock " + file;
    }

    private static String read(FileChannel ch) throws IOException {
        long size = Math.min(ch.size(), 4096);
        ByteBuffer b = ByteBuffer.allocate((int) size);
        ch.read(b, 0);
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).trim();
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }

    /** The directory's lock is held by another process (or another thread of this one). */
    public static final class InUseException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        /** The exit code of a refused command: EX_TEMPFAIL of sysexits.h, "try again later". */
        public static final int EXIT_CODE = 75;

        InUseException(String message) {
            super(message);
        }
    }
}

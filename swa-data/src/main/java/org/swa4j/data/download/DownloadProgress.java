package org.swa4j.data.download;

import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Receives the progress of a download: bytes present so far and the total, or -1 when the server gave none. */
@FunctionalInterface
public interface DownloadProgress {
    void update(URI source, long bytesDone, long bytesTotal);

    /** Logs each tenth of the transfer (or every 16 MiB when the size is unknown) at INFO. */
    static DownloadProgress logging() {
        Logger log = LoggerFactory.getLogger(DownloadProgress.class);
        return new DownloadProgress() {
            private long lastStep = -1;

            @Override
            public void update(URI source, long done, long total) {
                long step = total > 0 ? done * 10 / total : done >> 24;
                if (step != lastStep) {
                    lastStep = step;
                    if (total > 0) {
                        log.info("{}: {} of {} bytes ({}%)", source, done, total, done * 100 / total);
                    } else {
                        log.info("{}: {} bytes", source, done);
                    }
                }
            }
        };
    }
}

/** Verified, resumable HTTP downloads and tar.gz extraction. */
package org.swa4j.data.download;

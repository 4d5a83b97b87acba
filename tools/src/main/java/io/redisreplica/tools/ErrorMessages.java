package io.redisreplica.tools;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The one line an error prints: what failed and where. The JDK's file exceptions carry only the
 * path as their message ({@code /nope.rdb}), so each is named for what it says.
 */
final class ErrorMessages {
    private ErrorMessages() {
    }

    static String of(Throwable e) {
        if (e instanceof FileSystemException f && f.getReason() == null) {
            final String file = f.getOtherFile() == null ? f.getFile() : f.getFile() + " -> " + f.getOtherFile();
            if (e instanceof NoSuchFileException) {
                return "no such file or directory: " + file;
            }
            if (e instanceof AccessDeniedException) {
                return "permission denied: " + file;
            }
            if (e instanceof FileAlreadyExistsException) {
                return "already exists: " + file;
            }
            if (e instanceof NotDirectoryException) {
                return "not a directory: " + file;
            }
            if (e instanceof DirectoryNotEmptyException) {
                return "directory not empty: " + file;
            }
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}

package dev.orchard.model;

/** Told the size of each source image {@link ImageDecoder} decoded, as displayed (EXIF orientation applied). */
@FunctionalInterface
public interface SourceObserver {

    /** Takes nothing. */
    SourceObserver NONE = (width, height) -> {};

    void observedSource(long width, long height);
}

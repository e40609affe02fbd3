/**
 * The model runtime: {@link dev.orchard.model.Classifier} over a TensorFlow SavedModel or a Tribuo
 * model, and {@link dev.orchard.model.ImageDecoder}, which turns untrusted bytes into the tensor a
 * model's {@link dev.orchard.model.ModelInput} declares, checking limits before it allocates.
 */
package dev.orchard.model;

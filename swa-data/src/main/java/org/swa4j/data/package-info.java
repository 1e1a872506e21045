/**
 * CIFAR-10/100, ImageNet and (Fashion-)MNIST as DL4J iterators with the paper's augmentation: open one with
 * {@link org.swa4j.data.Datasets#open}, train on {@link org.swa4j.data.ImageDataset#train}, evaluate on
 * {@link org.swa4j.data.ImageDataset#test}. Every failure about data is a {@link org.swa4j.data.DataException}.
 */
package org.swa4j.data;

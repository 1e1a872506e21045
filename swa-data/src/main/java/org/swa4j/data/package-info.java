/** CIFAR-10/100, ImageNet and (Fashion-)MNIST loaders with the paper's augmentation. */
package org.swa4j.data;
